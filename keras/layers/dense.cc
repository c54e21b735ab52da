#include "keras/layers/dense.h"

#include "keras/activations.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {
namespace {

nlohmann::json InitializerConfig(const Initializer& i) {
  nlohmann::json config = nlohmann::json::object();
  if (i.name == "random_normal") config = {{"mean", i.mean}, {"stddev", i.stddev}};
  if (i.name == "random_uniform") config = {{"minval", i.minval}, {"maxval", i.maxval}};
  if (i.name == "constant") config = {{"value", i.value}};
  if (i.name == "random_normal" || i.name == "random_uniform" || i.name == "glorot_uniform")
    config["seed"] = i.seed ? nlohmann::json(*i.seed) : nlohmann::json();
  return {{"class_name", i.ClassName()}, {"config", config}};
}

}  // namespace

Dense::Dense(int64_t units, DenseOptions options) : units_(units), options_(std::move(options)) {
  InitBase(options_.name, options_.input_shape, options_.input_dim);
  if (units <= 0)
    throw ValueError("Dense '" + name_ + "': units must be positive, got " + std::to_string(units));
  activations::Validate(options_.activation, "Dense '" + name_ + "'");
  options_.kernel_initializer.Validate("Dense '" + name_ + "' kernel_initializer");
  options_.bias_initializer.Validate("Dense '" + name_ + "' bias_initializer");
}

Shape Dense::ComputeOutputShape(const Shape& in) const {
  if (in.rank() != 2)
    ShapeFail("expected input of rank 2 (batch, features), got " + KerasShapeString(in) +
              "; add a Flatten layer first");
  return Shape{in[0], units_};
}

void Dense::BuildWeights(const Shape& in) {
  if (in[1] <= 0)
    ShapeFail("the last dimension of the input must be known, got " + KerasShapeString(in));
  AddWeight("kernel", options_.kernel_initializer(Shape{in[1], units_}));
  if (options_.use_bias) AddWeight("bias", options_.bias_initializer(Shape{units_}));
}

ValueRef Dense::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  const Shape& in = b.type(x).shape;
  if (in.rank() != 2 || in[1] != weights_[0].value.dim(0))
    ShapeFail("expected input with last dimension " + std::to_string(weights_[0].value.dim(0)) +
              ", got " + KerasShapeString(in));
  ValueRef y = b.Op("MatMul", {x, ctx.weights[0]});
  if (options_.use_bias) y = b.Op("BiasAdd", {y, ctx.weights[1]});
  return activations::Apply(b, options_.activation, y);
}

nlohmann::json Dense::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["units"] = units_;
  c["activation"] = options_.activation;
  c["use_bias"] = options_.use_bias;
  c["kernel_initializer"] = InitializerConfig(options_.kernel_initializer);
  c["bias_initializer"] = InitializerConfig(options_.bias_initializer);
  for (const char* k : {"kernel_regularizer", "bias_regularizer", "activity_regularizer",
                        "kernel_constraint", "bias_constraint"})
    c[k] = nullptr;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Dense '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  config::NoRegularizers(c, where, unsupported);
  config::MustBeNull(c, "quantization_config", where, unsupported);
  if (!c.contains("units") || !c["units"].is_number_integer() || c["units"].get<int64_t>() <= 0 ||
      c["units"].get<int64_t>() > config::kMaxSize) {
    unsupported.push_back(where + ": missing or invalid units (not an integer from 1 to " +
                          std::to_string(config::kMaxSize) + ")");
    return nullptr;
  }
  DenseOptions o;
  o.activation = config::Activation(c, where, unsupported);
  o.use_bias = c.value("use_bias", true);
  config::KernelAndBiasInitializers(c, where, unsupported, o.kernel_initializer,
                                    o.bias_initializer);
  try {
    o.kernel_initializer.Validate(where);
    o.bias_initializer.Validate(where);
  } catch (const Error&) {
    o.kernel_initializer = "glorot_uniform";
    o.bias_initializer = "zeros";
  }
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  return std::make_shared<Dense>(c["units"].get<int64_t>(), o);
}
KILN_REGISTER_LAYER("Dense", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
