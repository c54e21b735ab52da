#include "keras/layers/dropout.h"

#include "keras/backend.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

Weight SeedState(std::optional<uint64_t> seed) {
  const uint64_t s = seed ? *seed : backend::GlobalGenerator()();
  return {"seed_state", Tensor::Scalar<int64_t>(static_cast<int64_t>(s >> 1)), false};
}

Dropout::Dropout(double rate, DropoutOptions o)
    : rate_(rate), noise_shape_(std::move(o.noise_shape)), seed_(o.seed) {
  InitBase(o.name, o.input_shape, 0);
  CheckRate();
}

void Dropout::CheckRate() const {
  if (!(rate_ >= 0 && rate_ < 1))
    throw ValueError(class_name() + " '" + name_ + "': rate must be in [0, 1), got " +
                     std::to_string(rate_));
}

void Dropout::BuildWeights(const Shape& in) {
  const std::vector<int64_t> noise = NoiseShape(in);
  if (!noise.empty() && static_cast<int>(noise.size()) != in.rank())
    ShapeFail("noise_shape " + KerasShapeString(Shape(noise)) + " does not have the rank of the " +
              "input " + KerasShapeString(in));
  for (size_t i = 0; i < noise.size(); ++i)
    if (noise[i] != kUnknownDim && noise[i] != 1 && in[i] != kUnknownDim && noise[i] != in[i])
      ShapeFail("noise_shape " + KerasShapeString(Shape(noise)) +
                " does not broadcast to the input " + KerasShapeString(in));
  states_.push_back(SeedState(seed_));
}

std::vector<int64_t> Dropout::NoiseShape(const Shape&) const { return noise_shape_; }

ValueRef Dropout::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  if (!ctx.training || rate_ == 0) return x;
  return b.OpN("Dropout", {ctx.states[0], x},
               {{"rate", rate_}, {"noise_shape", NoiseShape(b.type(x).shape)}})[0];
}

nlohmann::json Dropout::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["rate"] = rate_;
  c["noise_shape"] = nullptr;
  if (!noise_shape_.empty()) {
    c["noise_shape"] = nlohmann::json::array();
    for (int64_t d : noise_shape_)
      c["noise_shape"].push_back(d == kUnknownDim ? nlohmann::json() : nlohmann::json(d));
  }
  c["seed"] = seed_ ? nlohmann::json(*seed_) : nlohmann::json();
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Dropout '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  double rate = c.contains("rate") && c["rate"].is_number() ? c["rate"].get<double>() : 0.0;
  if (!(rate >= 0 && rate < 1)) {
    unsupported.push_back(where + ": rate " + std::to_string(rate));
    rate = 0;
  }
  DropoutOptions o{.input_shape = config::InputShape(c), .name = config::Name(c)};
  if (c.contains("noise_shape") && !c["noise_shape"].is_null()) {
    const nlohmann::json& n = c["noise_shape"];
    bool ok = n.is_array();
    for (const auto& d : n) {
      ok = ok && (d.is_null() || (d.is_number_integer() && d.get<int64_t>() > 0));
      o.noise_shape.push_back(d.is_number_integer() ? d.get<int64_t>() : kUnknownDim);
    }
    if (!ok) unsupported.push_back(where + ": noise_shape " + n.dump());
  }
  if (c.contains("seed") && c["seed"].is_number_integer()) o.seed = c["seed"].get<uint64_t>();
  return std::make_shared<Dropout>(rate, o);
}
KILN_REGISTER_LAYER("Dropout", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
