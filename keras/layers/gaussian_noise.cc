#include "keras/layers/gaussian_noise.h"

#include <cmath>

#include "keras/layers/dropout.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

GaussianNoise::GaussianNoise(double stddev, GaussianNoiseOptions o)
    : stddev_(stddev), seed_(o.seed) {
  InitBase(o.name, o.input_shape, 0);
  if (!(stddev >= 0) || !std::isfinite(stddev))
    throw ValueError("GaussianNoise '" + name_ + "': stddev must be a non-negative number, got " +
                     std::to_string(stddev));
}

void GaussianNoise::BuildWeights(const Shape&) { states_.push_back(SeedState(seed_)); }

ValueRef GaussianNoise::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  if (!ctx.training || stddev_ == 0) return x;
  return b.Op("Add", {x, b.Op("RandomNormalLike", {ctx.states[0], x}, {{"stddev", stddev_}})});
}

nlohmann::json GaussianNoise::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["stddev"] = stddev_;
  c["seed"] = seed_ ? nlohmann::json(*seed_) : nlohmann::json();
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "GaussianNoise '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  const nlohmann::json stddev = c.value("stddev", nlohmann::json());
  if (!stddev.is_number() || !(stddev.get<double>() >= 0)) {
    unsupported.push_back(where + ": stddev " + stddev.dump());
    return nullptr;
  }
  GaussianNoiseOptions o{.input_shape = config::InputShape(c), .name = config::Name(c)};
  if (c.contains("seed") && c["seed"].is_number_integer()) o.seed = c["seed"].get<uint64_t>();
  return std::make_shared<GaussianNoise>(stddev.get<double>(), o);
}
KILN_REGISTER_LAYER("GaussianNoise", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
