#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Pow",
    .inputs = {{"a", kFloatTypes, "T"}, {"b", kFloatTypes, "T"}},
    .outputs = {{"c"}},
    .traits = kElementwise,
    .shape_fn = [](const InferenceContext& c) { return BroadcastBinary(c); },
    // dc/da = b*a^(b-1) = b*c/a would divide by zero at a = 0; dc/db = c*log(a), defined for a > 0
    // (as in TensorFlow, where a <= 0 gives 0 for db).
    .grad_fn = [](GradContext& c) -> Grads {
      GraphBuilder& b = c.b;
      const DType t = b.type(c.y()).dtype;
      ValueRef b_minus_1 = b.Op("Sub", {c.x(1), b.Scalar(1, t)});
      ValueRef da = b.Op("Mul", {c.dy(), b.Op("Mul", {c.x(1), b.Op("Pow", {c.x(0), b_minus_1})})});
      ValueRef nonpositive =
          b.Op("Cast", {b.Op("GreaterEqual", {b.Scalar(0, t), c.x(0)})}, {{"dtype", t}});
      // log(a) where a > 0, else 0; max(a, tiny) keeps log finite where the mask drops it.
      ValueRef safe = b.Op("Maximum", {c.x(0), b.Scalar(1e-30, t)});
      ValueRef log_a =
          b.Op("Mul", {b.Op("Log", {safe}), b.Op("Sub", {b.Scalar(1, t), nonpositive})});
      ValueRef db = b.Op("Mul", {c.dy(), b.Op("Mul", {c.y(), log_a})});
      return {ReduceGradToInput(c, da, 0), ReduceGradToInput(c, db, 1)};
    },
    .doc = "a ** b with numpy broadcasting (std::pow at the inputs' precision).",
});

}  // namespace
}  // namespace kiln::ops
