#include "keras/layers/gru.h"

#include <algorithm>

#include "keras/layers/layer_registry.h"

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

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "GRU '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  RNNOptions o = RNNOptionsFromConfig(c, where, unsupported);
  const int64_t units =
      c.contains("units") && c["units"].is_number_integer() ? c["units"].get<int64_t>() : 0;
  if (units <= 0 || units > config::kMaxSize) unsupported.push_back(where + ": units");
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<GRU>(units, std::move(o));
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("GRU", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
