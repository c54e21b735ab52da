#include "keras/layers/dense.h"

#include "keras/activations.h"
#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {
Dense::Dense(int64_t units, DenseOptions options) : units_(units), options_(std::move(options)) {
  InitBase(options_.name, options_.input_shape, options_.input_dim);
  if (units <= 0)
    throw ValueError("Dense '" + name_ + "': units must be positive, got " + std::to_string(units));
  activations::Validate(options_.activation, "Dense '" + name_ + "'");
  options_.kernel_initializer.Validate("Dense '" + name_ + "' kernel_initializer");
  options_.bias_initializer.Validate("Dense '" + name_ + "' bias_initializer");
}

Shape Dense::ComputeOutputShape(const Shape& in) const {
  if (in.rank() < 2)
    ShapeFail("expected an input of rank 2 or more (batch, ..., features), got " +
              KerasShapeString(in));
  std::vector<int64_t> dims = in.dims();
  dims.back() = units_;
  return Shape(dims);
}

void Dense::BuildWeights(const Shape& in) {
  if (in.dim(-1) <= 0)
    ShapeFail("the last dimension of the input must be known, got " + KerasShapeString(in));
  AddWeight("kernel", options_.kernel_initializer(Shape{in.dim(-1), units_},
                                                  "Dense '" + name_ + "' kernel_initializer"));
  if (options_.use_bias)
    AddWeight("bias",
              options_.bias_initializer(Shape{units_}, "Dense '" + name_ + "' bias_initializer"));
}

ValueRef Dense::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  const Shape in = b.type(x).shape;
  if (in.rank() < 2 || in.dim(-1) != weights_[0].value.dim(0))
    ShapeFail("expected input with last dimension " + std::to_string(weights_[0].value.dim(0)) +
              ", got " + KerasShapeString(in));
  // On (batch, d1, ..., features) Keras applies the kernel to the last axis. The inner axes are
  // folded into the batch for one MatMul and unfolded after; Reshape's gradient (ReshapeLike)
  // folds the incoming gradient back the same way.
  std::vector<int64_t> out_dims = {-1};
  if (in.rank() > 2) {
    for (int i = 1; i + 1 < in.rank(); ++i) {
      if (in[i] < 0)
        ShapeFail("the inner dimensions of an input of rank " + std::to_string(in.rank()) +
                  " must be known, got " + KerasShapeString(in));
      out_dims.push_back(in[i]);
    }
    x = b.Op("Reshape", {x}, {{"shape", std::vector<int64_t>{-1, in.dim(-1)}}});
  }
  ValueRef y = b.Op("MatMul", {x, ctx.weights[0]});
  if (options_.use_bias) y = b.Op("BiasAdd", {y, ctx.weights[1]});
  // Every activation Kiln has is elementwise or over the last axis, so it commutes with the
  // unfolding; applying it before keeps the MatMul+BiasAdd+activation fusion.
  y = activations::Apply(b, options_.activation, y);
  if (in.rank() == 2) return y;
  out_dims.push_back(units_);
  return b.Op("Reshape", {y}, {{"shape", out_dims}});
}

nlohmann::json Dense::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["units"] = units_;
  c["activation"] = options_.activation;
  c["use_bias"] = options_.use_bias;
  c["kernel_initializer"] = options_.kernel_initializer.ToConfig();
  c["bias_initializer"] = options_.bias_initializer.ToConfig();
  c["kernel_regularizer"] = options_.kernel_regularizer;
  c["bias_regularizer"] = options_.bias_regularizer;
  c["activity_regularizer"] = options_.activity_regularizer;
  c["kernel_constraint"] = options_.kernel_constraint;
  c["bias_constraint"] = options_.bias_constraint;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "Dense '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
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
  o.kernel_regularizer = config::Kept(c, "kernel_regularizer");
  o.bias_regularizer = config::Kept(c, "bias_regularizer");
  o.activity_regularizer = config::Kept(c, "activity_regularizer");
  o.kernel_constraint = config::Kept(c, "kernel_constraint");
  o.bias_constraint = config::Kept(c, "bias_constraint");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  return std::make_shared<Dense>(c["units"].get<int64_t>(), o);
}
KILN_REGISTER_LAYER("Dense", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
