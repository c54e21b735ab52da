#include "ops/common.h"

namespace kiln::ops {
namespace {

// The activation's derivative from its output: relu 1[y > 0], sigmoid y(1-y), tanh 1-y^2.
ValueRef ActivationGrad(GraphBuilder& b, const std::string& act, ValueRef y, ValueRef dy) {
  if (act == "relu") return b.Op("ReluGrad", {dy, y});
  if (act == "sigmoid") return b.Op("SigmoidGrad", {y, dy});
  if (act == "tanh") return b.Op("TanhGrad", {y, dy});
  return dy;
}

KILN_REGISTER_OP(OpDef{
    .name = "FusedMatMul",
    .inputs = {{"x", kFloatTypes}, {"w", kFloatTypes}, {"bias", kFloatTypes}},
    .outputs = {{"y"}},
    .attrs = {{"activation", AttrType::kString, std::string("linear")}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& x = c.shape(0);
      const Shape& w = c.shape(1);
      if (x.rank() != 2 || w.rank() != 2 || c.shape(2).rank() != 1)
        c.Fail("expected x [m,k], w [k,n], bias [n]");
      if (x[1] >= 0 && x[1] != w[0])
        c.Fail("inner dimensions differ: " + std::to_string(x[1]) + " vs " + std::to_string(w[0]));
      if (c.shape(2)[0] != w[1])
        c.Fail("bias has " + std::to_string(c.shape(2)[0]) + " elements for " +
               std::to_string(w[1]) + " units");
      if (c.dtype(0) != c.dtype(1) || c.dtype(0) != c.dtype(2)) c.Fail("inputs must share a dtype");
      const std::string act = c.attrs.Get<std::string>("activation");
      if (act != "linear" && act != "relu" && act != "sigmoid" && act != "tanh")
        c.Fail("unknown activation '" + act + "'");
      return {{c.dtype(0), Shape{x[0], w[1]}}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      ValueRef dz = ActivationGrad(b, c.attrs().Get<std::string>("activation"), c.y(), c.dy());
      return {b.Op("MatMul", {dz, c.x(1)}, {{"transpose_b", true}}),
              b.Op("MatMul", {c.x(0), dz}, {{"transpose_a", true}}), SumToShapeOf(b, dz, c.x(2))};
    },
    .doc = "activation(x w + bias): MatMul, BiasAdd and an activation in one kernel (made by the "
           "fuse-matmul-bias-activation pass).",
});

}  // namespace
}  // namespace kiln::ops
