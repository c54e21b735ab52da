#include "keras/layers/elu.h"

#include <cmath>

#include "keras/layers/layer_registry.h"
#include "ops/activations.h"

namespace kiln::keras::layers {

ELU::ELU(ELUOptions o) : alpha_(o.alpha) {
  InitBase(o.name, o.input_shape, 0);
  if (!std::isfinite(alpha_)) throw ValueError("ELU '" + name_ + "': alpha must be finite");
}

ValueRef ELU::CallOne(GraphBuilder& b, ValueRef x, const CallContext&) {
  return ops::Elu(b, x, alpha_);
}

nlohmann::json ELU::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["alpha"] = alpha_;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "ELU '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  ELUOptions o{.input_shape = config::InputShape(c), .name = config::Name(c)};
  if (c.contains("alpha")) {
    if (c["alpha"].is_number())
      o.alpha = c["alpha"].get<double>();
    else
      unsupported.push_back(where + ": alpha must be a number, got " + c["alpha"].dump());
  }
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<ELU>(o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("ELU", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
