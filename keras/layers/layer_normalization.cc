#include "keras/layers/layer_normalization.h"

#include <algorithm>
#include <cmath>

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

LayerNormalization::LayerNormalization(LayerNormalizationOptions o) : o_(std::move(o)) {
  InitBase(o_.name, o_.input_shape, 0);
  const std::string where = "LayerNormalization '" + name_ + "'";
  if (o_.axis.empty()) throw ValueError(where + ": axis must name at least one axis");
  if (!(o_.epsilon > 0) || !std::isfinite(o_.epsilon))
    throw ValueError(where + ": epsilon must be positive");
  o_.beta_initializer.Validate(where + " beta_initializer");
  o_.gamma_initializer.Validate(where + " gamma_initializer");
}

std::vector<int64_t> LayerNormalization::Axes(int rank) const {
  std::vector<int64_t> axes;
  for (int64_t a : o_.axis) {
    const int64_t r = a < 0 ? a + rank : a;
    if (r < 1 || r >= rank)
      ShapeFail("axis " + std::to_string(a) + " is not a feature axis of an input of rank " +
                std::to_string(rank) + " (axis 0 is the batch)");
    axes.push_back(r);
  }
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    ShapeFail("axis names the same axis twice");
  return axes;
}

Shape LayerNormalization::ComputeOutputShape(const Shape& in) const {
  Axes(in.rank());
  return in;
}

void LayerNormalization::BuildWeights(const Shape& in) {
  std::vector<int64_t> dims;
  for (int64_t a : Axes(in.rank())) {
    if (in[a] <= 0) ShapeFail("the normalized axes must be known, got " + KerasShapeString(in));
    dims.push_back(in[a]);
  }
  const std::string where = "LayerNormalization '" + name_ + "' ";
  if (o_.scale) AddWeight("gamma", o_.gamma_initializer(Shape(dims), where + "gamma_initializer"));
  if (o_.center) AddWeight("beta", o_.beta_initializer(Shape(dims), where + "beta_initializer"));
}

ValueRef LayerNormalization::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  const Shape& s = b.type(x).shape;
  const std::vector<int64_t> axes = Axes(s.rank());
  // gamma and beta broadcast over the other axes as (1, ..., d_axis, ..., 1).
  std::vector<int64_t> bshape(s.rank(), 1);
  for (int64_t a : axes) bshape[a] = s[a];
  auto broadcast = [&](ValueRef w) { return b.Op("Reshape", {w}, {{"shape", bshape}}); };
  const AttrMap reduce{{"axes", axes}, {"keep_dims", true}};
  const ValueRef mean = b.Op("ReduceMean", {x}, reduce);
  const ValueRef centered = b.Op("Sub", {x, mean});
  const ValueRef var = b.Op("ReduceMean", {b.Op("Square", {centered})}, reduce);
  const DType t = b.type(x).dtype;
  ValueRef inv =
      b.Op("Div", {b.Scalar(1, t), b.Op("Sqrt", {b.Op("Add", {var, b.Scalar(o_.epsilon, t)})})});
  size_t i = 0;
  if (o_.scale) inv = b.Op("Mul", {inv, broadcast(ctx.weights[i++])});
  ValueRef y = b.Op("Mul", {centered, inv});
  if (o_.center) y = b.Op("Add", {y, broadcast(ctx.weights[i++])});
  return y;
}

nlohmann::json LayerNormalization::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = o_.axis;
  c["epsilon"] = o_.epsilon;
  c["center"] = o_.center;
  c["scale"] = o_.scale;
  c["rms_scaling"] = false;
  c["beta_initializer"] = o_.beta_initializer.ToConfig();
  c["gamma_initializer"] = o_.gamma_initializer.ToConfig();
  c["beta_regularizer"] = o_.beta_regularizer;
  c["gamma_regularizer"] = o_.gamma_regularizer;
  c["beta_constraint"] = o_.beta_constraint;
  c["gamma_constraint"] = o_.gamma_constraint;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "LayerNormalization '" + config::Name(c) + "'";
  const size_t refused = unsupported.size();
  config::CheckDType(c, where, unsupported);
  LayerNormalizationOptions o;
  // tf.keras and Keras 3 write an int, or a list when several axes were given.
  const nlohmann::json axis = c.value("axis", nlohmann::json(-1));
  if (axis.is_number_integer()) {
    o.axis = {axis.get<int64_t>()};
  } else if (axis.is_array() && !axis.empty() &&
             std::all_of(axis.begin(), axis.end(), [](auto& a) { return a.is_number_integer(); })) {
    o.axis = axis.get<std::vector<int64_t>>();
  } else {
    unsupported.push_back(where + ": axis " + axis.dump());
  }
  if (c.value("rms_scaling", false)) unsupported.push_back(where + ": rms_scaling");
  if (c.contains("epsilon") && c["epsilon"].is_number()) o.epsilon = c["epsilon"].get<double>();
  o.center = c.value("center", true);
  o.scale = c.value("scale", true);
  for (auto [key, init] : {std::pair{"beta_initializer", &o.beta_initializer},
                           std::pair{"gamma_initializer", &o.gamma_initializer}})
    if (c.contains(key)) *init = config::ParseInitializer(c[key], where + " " + key, unsupported);
  o.beta_regularizer = config::Kept(c, "beta_regularizer");
  o.gamma_regularizer = config::Kept(c, "gamma_regularizer");
  o.beta_constraint = config::Kept(c, "beta_constraint");
  o.gamma_constraint = config::Kept(c, "gamma_constraint");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  if (unsupported.size() != refused) return nullptr;
  try {
    return std::make_shared<LayerNormalization>(o);
  } catch (const Error& e) {
    unsupported.push_back(e.what());
    return nullptr;
  }
}
KILN_REGISTER_LAYER("LayerNormalization", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
