#include "keras/layers/batch_normalization.h"

#include "keras/layers/layer_registry.h"

namespace kiln::keras::layers {

BatchNormalization::BatchNormalization(BatchNormalizationOptions o) : o_(std::move(o)) {
  InitBase(o_.name, o_.input_shape, 0);
  if (!(o_.momentum >= 0 && o_.momentum <= 1) || !(o_.epsilon > 0))
    throw ValueError("BatchNormalization '" + name_ +
                     "': momentum must be in [0, 1] and epsilon positive");
}

void BatchNormalization::BuildWeights(const Shape& in) {
  const int64_t c = in.dim(-1);
  if (in.rank() < 2 || c <= 0)
    ShapeFail("the last axis must be known, got " + KerasShapeString(in));
  Tensor ones(kFloat32, Shape{c});
  std::fill(ones.data<float>(), ones.data<float>() + c, 1.f);
  if (o_.scale) AddWeight("gamma", ones.Clone());
  if (o_.center) AddWeight("beta", Tensor(kFloat32, Shape{c}));
  AddWeight("moving_mean", Tensor(kFloat32, Shape{c}), /*trainable=*/false);
  AddWeight("moving_variance", ones.Clone(), /*trainable=*/false);
}

ValueRef BatchNormalization::CallOne(GraphBuilder& b, ValueRef x, const CallContext& ctx) {
  size_t i = 0;
  const ValueRef gamma = o_.scale ? ctx.weights[i++] : ValueRef{};
  const ValueRef beta = o_.center ? ctx.weights[i++] : ValueRef{};
  const ValueRef moving_mean = ctx.weights[i++], moving_var = ctx.weights[i++];
  ValueRef mean = moving_mean, var = moving_var;
  if (ctx.training) {
    std::vector<int64_t> axes;
    for (int a = 0; a + 1 < b.type(x).shape.rank(); ++a) axes.push_back(a);
    mean = b.Op("ReduceMean", {x}, {{"axes", axes}});
    var = b.Op("ReduceMean", {b.Op("Square", {b.Op("Sub", {x, mean})})}, {{"axes", axes}});
    if (ctx.updates) {
      for (auto [stat, value] : {std::pair{moving_mean, mean}, std::pair{moving_var, var}}) {
        b.OpN("AssignMovingAverage", {stat, value}, {{"momentum", o_.momentum}});
        ctx.updates->push_back(b.graph().capacity() - 1);
      }
    }
  }
  ValueRef inv =
      b.Op("Div", {b.Scalar(1), b.Op("Sqrt", {b.Op("Add", {var, b.Scalar(o_.epsilon)})})});
  if (gamma.valid()) inv = b.Op("Mul", {inv, gamma});
  ValueRef y = b.Op("Mul", {b.Op("Sub", {x, mean}), inv});
  return beta.valid() ? b.Op("Add", {y, beta}) : y;
}

nlohmann::json BatchNormalization::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["axis"] = -1;
  c["momentum"] = o_.momentum;
  c["epsilon"] = o_.epsilon;
  c["center"] = o_.center;
  c["scale"] = o_.scale;
  for (const char* k : {"beta_initializer", "gamma_initializer", "moving_mean_initializer"})
    c[k] = {{"class_name", k[0] == 'g' ? "Ones" : "Zeros"}, {"config", nlohmann::json::object()}};
  c["moving_variance_initializer"] = {{"class_name", "Ones"}, {"config", nlohmann::json::object()}};
  for (const char* k :
       {"beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"})
    c[k] = nullptr;
  return c;
}

namespace {
std::shared_ptr<Layer> FromConfig(const nlohmann::json& c, std::vector<std::string>& unsupported) {
  const std::string where = "BatchNormalization '" + config::Name(c) + "'";
  config::CheckDType(c, where, unsupported);
  const nlohmann::json axis = c.value("axis", nlohmann::json(-1));
  const bool last = (axis.is_number_integer() && axis.get<int64_t>() == -1) ||
                    (axis.is_array() && axis.size() == 1 && axis[0] == -1);
  if (!last) unsupported.push_back(where + ": axis " + axis.dump() + " (only the last axis, -1)");
  for (const char* k :
       {"beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"})
    config::MustBeNull(c, k, where, unsupported);
  if (c.value("renorm", false)) unsupported.push_back(where + ": renorm");
  BatchNormalizationOptions o;
  o.momentum = c.value("momentum", 0.99);
  o.epsilon = c.value("epsilon", 1e-3);
  o.center = c.value("center", true);
  o.scale = c.value("scale", true);
  o.input_shape = config::InputShape(c);
  o.name = config::Name(c);
  return std::make_shared<BatchNormalization>(o);
}
KILN_REGISTER_LAYER("BatchNormalization", FromConfig);
}  // namespace

}  // namespace kiln::keras::layers
