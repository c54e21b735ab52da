#include "ops/activations.h"
#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "FusedMatMul",
    .inputs = {{"x", kFloatTypes, "T"}, {"w", kFloatTypes, "T"}, {"bias", kFloatTypes, "T"}},
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
      const ActivationDef* act = FindActivation(c.attrs.Get<std::string>("activation"));
      if (!act || !act->fuses)
        c.Fail("activation '" + c.attrs.Get<std::string>("activation") + "' does not fuse");
      return {{c.dtype(0), Shape{x[0], w[1]}}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      const ActivationDef& act = *FindActivation(c.attrs().Get<std::string>("activation"));
      ValueRef dz = ActivationGradient(b, act, c.y(), c.dy());
      return {b.Op("MatMul", {dz, c.x(1)}, {{"transpose_b", true}}),
              b.Op("MatMul", {c.x(0), dz}, {{"transpose_a", true}}), SumToShapeOf(b, dz, c.x(2))};
    },
    .doc = "activation(x w + bias): MatMul, BiasAdd and an activation in one kernel (made by the "
           "fuse-matmul-bias-activation pass).",
});

}  // namespace
}  // namespace kiln::ops
