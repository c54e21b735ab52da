#include "keras/layers/gaussian_dropout.h"

#include <cmath>

#include "keras/layers/dropout.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

GaussianDropout::GaussianDropout(double rate, GaussianDropoutOptions o)
    : rate_(rate), seed_(o.seed) {
  InitBase(o.name, o.input_shape, 0);
  if (!(rate >= 0 && rate < 1))
    throw ValueError("GaussianDropout '" + name_ + "': rate must be in [0, 1), got " +
                     std::to_string(rate));
}

void GaussianDropout::BuildWeights(const Shape&) { states_.push_back(SeedState(seed_)); }

ValueRef GaussianDropout::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  if (!ctx.training || rate_ == 0) return x;
  const double stddev = std::sqrt(rate_ / (1.0 - rate_));
  return b.Op("Mul", {x, b.Op("RandomNormalLike", {ctx.states[0], x},
                              {{"mean", 1.0}, {"stddev", stddev}})});
}

nlohmann::json GaussianDropout::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["rate"] = rate_;
  c["seed"] = seed_ ? nlohmann::json(*seed_) : nlohmann::json();
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "GaussianDropout '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  const nlohmann::json rate = c.value("rate", nlohmann::json());
  if (!rate.is_number() || !(rate.get<double>() >= 0 && rate.get<double>() < 1)) {
    unsupported.push_back(where + ": rate " + rate.dump());
    return nullptr;
  }
  GaussianDropoutOptions o{.input_shape = config::InputShape(c), .name = config::Name(c)};
  if (c.contains("seed") && c["seed"].is_number_integer()) o.seed = c["seed"].get<uint64_t>();
  return std::make_shared<GaussianDropout>(rate.get<double>(), o);
}
KILN_REGISTER_LAYER("GaussianDropout", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
