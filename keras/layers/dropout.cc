#include "keras/layers/dropout.h"

#include "keras/backend.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Dropout::Dropout(double rate, DropoutOptions o) : rate_(rate), seed_(o.seed) {
  InitBase(o.name, o.input_shape, 0);
  if (!(rate >= 0 && rate < 1))
    throw ValueError("Dropout '" + name_ + "': rate must be in [0, 1), got " +
                     std::to_string(rate));
}

void Dropout::BuildWeights(const Shape&) {
  const uint64_t seed = seed_ ? *seed_ : backend::GlobalGenerator()();
  states_.push_back(
      {"seed_state", Tensor::Scalar<int64_t>(static_cast<int64_t>(seed >> 1)), false});
}

ValueRef Dropout::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  if (!ctx.training || rate_ == 0) return x;
  return b.OpN("Dropout", {ctx.states[0], x}, {{"rate", rate_}})[0];
}

nlohmann::json Dropout::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["rate"] = rate_;
  c["noise_shape"] = nullptr;
  c["seed"] = seed_ ? nlohmann::json(*seed_) : nlohmann::json();
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Dropout '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  config::MustBeNull(c, "noise_shape", where, unsupported);
  double rate = c.contains("rate") && c["rate"].is_number() ? c["rate"].get<double>() : 0.0;
  if (!(rate >= 0 && rate < 1)) {
    unsupported.push_back(where + ": rate " + std::to_string(rate));
    rate = 0;
  }
  DropoutOptions o{std::nullopt, config::InputShape(c), config::Name(c)};
  if (c.contains("seed") && c["seed"].is_number_integer()) o.seed = c["seed"].get<uint64_t>();
  return std::make_shared<Dropout>(rate, o);
}
KILN_REGISTER_LAYER("Dropout", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
