#include "keras/layers/batch_normalization.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

BatchNormalization::BatchNormalization(BatchNormalizationOptions o) : o_(std::move(o)) {
  InitBase(o_.name, o_.input_shape, 0);
  if (!(o_.momentum >= 0 && o_.momentum <= 1) || !(o_.epsilon > 0))
    throw ValueError("BatchNormalization '" + name_ +
                     "': momentum must be in [0, 1] and epsilon positive");
}

int BatchNormalization::FeatureAxis(int rank) const {
  const int64_t a = o_.axis < 0 ? o_.axis + rank : o_.axis;
  if (a < 1 || a >= rank)
    ShapeFail("axis " + std::to_string(o_.axis) + " is not a feature axis of an input of rank " +
              std::to_string(rank) + " (axis 0 is the batch)");
  return static_cast<int>(a);
}

void BatchNormalization::BuildWeights(const Shape& in) {
  if (in.rank() < 2) ShapeFail("expected an input of rank 2 or more, got " + KerasShapeString(in));
  const int64_t c = in[FeatureAxis(in.rank())];
  if (c <= 0) ShapeFail("the normalized axis must be known, got " + KerasShapeString(in));
  Tensor ones(kFloat32, Shape{c});
  std::fill(ones.data<float>(), ones.data<float>() + c, 1.f);
  if (o_.scale) AddWeight("gamma", ones.Clone());
  if (o_.center) AddWeight("beta", Tensor(kFloat32, Shape{c}));
  AddWeight("moving_mean", Tensor(kFloat32, Shape{c}), /*trainable=*/false);
  AddWeight("moving_variance", ones.Clone(), /*trainable=*/false);
}

ValueRef BatchNormalization::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  // Another feature axis is moved last around the computation below (which broadcasts the
  // per-feature vectors along the last axis) and moved back; Transpose has its gradient, so
  // training works the same.
  const int rank = b.type(x).shape.rank();
  const int axis = FeatureAxis(rank);
  std::vector<int64_t> perm, inverse(rank);
  for (int a = 0; a < rank; ++a)
    if (a != axis) perm.push_back(a);
  perm.push_back(axis);
  for (int a = 0; a < rank; ++a) inverse[perm[a]] = a;
  if (axis != rank - 1) x = b.Op("Transpose", {x}, {{"perm", perm}});
  size_t i = 0;
  const ValueRef gamma = o_.scale ? ctx.weights[i++] : ValueRef{};
  const ValueRef beta = o_.center ? ctx.weights[i++] : ValueRef{};
  const ValueRef moving_mean = ctx.weights[i++], moving_var = ctx.weights[i++];
  ValueRef mean = moving_mean, var = moving_var;
  if (ctx.training && ctx.trainable) {
    std::vector<int64_t> axes;
    for (int a = 0; a + 1 < b.type(x).shape.rank(); ++a) axes.push_back(a);
    mean = b.Op("ReduceMean", {x}, {{"axes", axes}});
    var = b.Op("ReduceMean", {b.Op("Square", {b.Op("Sub", {x, mean})})}, {{"axes", axes}});
    if (ctx.updates) {
      ValueRef moved_var = var;
      if (o_.unbiased_moving_variance && rank == 4 && (axis == 1 || axis == 3)) {
        // n = the values per channel, batch included, so counted in the graph.
        const ValueRef n = b.Op("ReduceSum", {b.Op("OnesLike", {x})}, {{"axes", axes}});
        const ValueRef n1 = b.Op("Maximum", {b.Op("Sub", {n, b.Scalar(1)}), b.Scalar(1)});
        moved_var = b.Op("Mul", {var, b.Op("Div", {n, n1})});
      }
      for (auto [stat, value] : {std::pair{moving_mean, mean}, std::pair{moving_var, moved_var}}) {
        b.OpN("AssignMovingAverage", {stat, value}, {{"momentum", o_.momentum}});
        ctx.updates->push_back(b.graph().capacity() - 1);
      }
    }
  }
  ValueRef inv =
      b.Op("Div", {b.Scalar(1), b.Op("Sqrt", {b.Op("Add", {var, b.Scalar(o_.epsilon)})})});
  if (gamma.valid()) inv = b.Op("Mul", {inv, gamma});
  ValueRef y = b.Op("Mul", {b.Op("Sub", {x, mean}), inv});
  if (beta.valid()) y = b.Op("Add", {y, beta});
  return axis == rank - 1 ? y : b.Op("Transpose", {y}, {{"perm", inverse}});
}

nlohmann::json BatchNormalization::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = o_.axis;
  c["momentum"] = o_.momentum;
  c["epsilon"] = o_.epsilon;
  c["center"] = o_.center;
  c["scale"] = o_.scale;
  for (const char* k : {"beta_initializer", "gamma_initializer", "moving_mean_initializer"})
    c[k] = {{"class_name", k[0] == 'g' ? "Ones" : "Zeros"}, {"config", nlohmann::json::object()}};
  c["moving_variance_initializer"] = {{"class_name", "Ones"}, {"config", nlohmann::json::object()}};
  c["beta_regularizer"] = o_.beta_regularizer;
  c["gamma_regularizer"] = o_.gamma_regularizer;
  c["beta_constraint"] = o_.beta_constraint;
  c["gamma_constraint"] = o_.gamma_constraint;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "BatchNormalization '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  // tf.keras 2.x saves the axis as a list of non-negative axes ([3], or [1] for channels_first);
  // Keras 3 as an int. Either is checked against the input rank when the layer is built.
  const nlohmann::json axis = c.value("axis", nlohmann::json(-1));
  BatchNormalizationOptions o;
  if (axis.is_number_integer())
    o.axis = axis.get<int64_t>();
  else if (axis.is_array() && axis.size() == 1 && axis[0].is_number_integer())
    o.axis = axis[0].get<int64_t>();
  else
    unsupported.push_back(where + ": axis " + axis.dump() + " (Kiln normalizes over one axis)");
  if (c.value("renorm", false)) unsupported.push_back(where + ": renorm");
  o.momentum = c.value("momentum", 0.99);
  o.epsilon = c.value("epsilon", 1e-3);
  o.center = c.value("center", true);
  o.scale = c.value("scale", true);
  o.beta_regularizer = config::Kept(c, "beta_regularizer");
  o.gamma_regularizer = config::Kept(c, "gamma_regularizer");
  o.beta_constraint = config::Kept(c, "beta_constraint");
  o.gamma_constraint = config::Kept(c, "gamma_constraint");
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  return std::make_shared<BatchNormalization>(o);
}
KILN_REGISTER_LAYER("BatchNormalization", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
