#include "keras/optimizers/nadam.h"

#include <cmath>

#include "keras/optimizers/registry.h"

namespace kiln::keras::optimizers {
namespace {

// What Keras computes as 1 - beta where beta is a float32 tensor.
double OneMinusF32(double beta) { return 1.0f - static_cast<float>(beta); }

}  // namespace

Nadam::Nadam(NadamOptions o) : Optimizer("Nadam", CommonOf(o), UpdateRules::kKeras3), o_(o) {
  if (!(o_.beta_1 >= 0 && o_.beta_1 < 1) || !(o_.beta_2 >= 0 && o_.beta_2 < 1) || !(o_.epsilon > 0))
    throw ValueError("Nadam: beta_1 and beta_2 in [0, 1) and epsilon > 0 are required");
}

nlohmann::json Nadam::get_config() const {
  return {{"learning_rate", learning_rate_},
          {"beta_1", o_.beta_1},
          {"beta_2", o_.beta_2},
          {"epsilon", o_.epsilon}};
}

std::vector<std::string> Nadam::slot_names() const { return {"momentum", "velocity"}; }

std::vector<Optimizer::SavedSlot> Nadam::saved_slots(OptimizerGeneration g) const {
  if (g == OptimizerGeneration::kKeras3)
    return {{"momentum", "momentum"}, {"velocity", "velocity"}};
  return {{"momentum", "m"}, {"velocity", "v"}};
}

std::vector<int> Nadam::Prepare(GraphBuilder& b, const StepArgs& step) {
  // Keras 3's _backend_update_step: u_product *= beta_1 * (1 - 0.5 * 0.96^t), before the updates,
  // which read the new product.
  ValueRef u = SharedVariable(b, "u_product", 1.0);
  ValueRef t =
      b.Op("Cast", {b.Op("Add", {step.iterations, b.Scalar(1, kInt64)})}, {{"dtype", kFloat32}});
  ValueRef factor = b.Op(
      "Sub", {b.Scalar(1, kFloat32),
              b.Op("Mul", {b.Scalar(0.5, kFloat32), b.Op("Pow", {b.Scalar(0.96, kFloat32), t})})});
  u_product_ = b.Op("Mul", {b.Op("Mul", {u, b.Scalar(o_.beta_1, kFloat32)}), factor});
  b.OpN("Assign", {u, u_product_}, {}, "u_product_update");
  return {b.graph().capacity() - 1};
}

void Nadam::StateRestored(bool shared_restored) {
  if (shared_restored) return;
  // The product of beta_1 * (1 - 0.5 * 0.96^t) over the steps taken, in float32 as it accumulates.
  float u = 1.0f;
  for (int64_t t = 1; t <= iterations(); ++t)
    u = u * static_cast<float>(o_.beta_1) * (1.0f - 0.5f * std::pow(0.96f, static_cast<float>(t)));
  if (Tensor* state = FindShared("u_product")) *state->data<float>() = u;
}

Optimizer::NewState Nadam::Compose(GraphBuilder& b, const UpdateArgs& a) {
  // Keras 3's update_step, op for op.
  ValueRef lr = b.Op("Cast", {a.learning_rate}, {{"dtype", b.type(a.var).dtype}});
  ValueRef one = Const(b, a, 1);
  ValueRef beta_1 = Const(b, a, o_.beta_1);
  auto mu = [&](int offset) {
    ValueRef decay = b.Op("Pow", {Const(b, a, 0.96), Step(b, a, offset)});
    return b.Op("Mul", {beta_1, b.Op("Sub", {one, b.Op("Mul", {Const(b, a, 0.5), decay})})});
  };
  ValueRef u_t = mu(1), u_t_1 = mu(2);
  ValueRef u_product_t = b.Op("Cast", {u_product_}, {{"dtype", b.type(a.var).dtype}});
  ValueRef u_product_t_1 = b.Op("Mul", {u_product_t, u_t_1});
  ValueRef beta_2_power = b.Op("Pow", {Const(b, a, o_.beta_2), Step(b, a, 1)});
  ValueRef m = b.Op("Add", {a.slots[0], b.Op("Mul", {b.Op("Sub", {a.grad, a.slots[0]}),
                                                     Const(b, a, OneMinusF32(o_.beta_1))})});
  ValueRef v =
      b.Op("Add", {a.slots[1], b.Op("Mul", {b.Op("Sub", {b.Op("Square", {a.grad}), a.slots[1]}),
                                            Const(b, a, OneMinusF32(o_.beta_2))})});
  ValueRef m_hat =
      b.Op("Add", {b.Op("Div", {b.Op("Mul", {u_t_1, m}), b.Op("Sub", {one, u_product_t_1})}),
                   b.Op("Div", {b.Op("Mul", {b.Op("Sub", {one, u_t}), a.grad}),
                                b.Op("Sub", {one, u_product_t})})});
  ValueRef v_hat = b.Op("Div", {v, b.Op("Sub", {one, beta_2_power})});
  ValueRef step = b.Op("Div", {b.Op("Mul", {m_hat, lr}),
                               b.Op("Add", {b.Op("Sqrt", {v_hat}), Const(b, a, o_.epsilon)})});
  return {.var = b.Op("Sub", {a.var, step}), .slots = {m, v}};
}

namespace {

KILN_REGISTER_OPTIMIZER("Nadam", [](const nlohmann::json& c, UpdateRules rules) {
  using namespace optimizer_config;
  RequireCurrentRules(rules, "Nadam");
  return std::make_shared<Nadam>(
      WithCommon(c, NadamOptions{.beta_1 = Number(c, "beta_1", 0.9),
                                 .beta_2 = Number(c, "beta_2", 0.999),
                                 .epsilon = Number(c, "epsilon", 1e-7)}));
});

}  // namespace
}  // namespace kiln::keras::optimizers
