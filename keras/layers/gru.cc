#include "keras/layers/gru.h"

namespace kiln::keras::layers {

GRU::GRU(int64_t units, RNNOptions options) : Recurrent("GRU", 3, 1, units, std::move(options)) {
  InitBase(o_.name, o_.input_shape, 0);
  CheckOptions();
}

nlohmann::json GRU::get_config() const {
  nlohmann::json c = Recurrent::get_config();
  c["reset_after"] = o_.reset_after;
  return c;
}

AttrMap GRU::ExtraAttrs() const { return {{"reset_after", o_.reset_after}}; }

Shape GRU::BiasShape() const { return o_.reset_after ? Shape{2, 3 * units_} : Shape{3 * units_}; }

KILN_REGISTER_LAYER("GRU", [](const nlohmann::json& c, std::vector<std::string>& unsupported) {
  return RecurrentFromConfig<GRU>("GRU", c, unsupported);
});

}  // namespace kiln::keras::layers
