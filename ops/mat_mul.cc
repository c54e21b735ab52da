#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "MatMul",
    .inputs = {{"a", kFloatTypes, "T"}, {"b", kFloatTypes, "T"}},
    .outputs = {{"c"}},
    .attrs = {{"transpose_a", AttrType::kBool, false}, {"transpose_b", AttrType::kBool, false}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& a = c.shape(0);
      const Shape& b = c.shape(1);
      if (a.rank() != 2 || b.rank() != 2) c.Fail("both inputs must be matrices (rank 2)");
      bool ta = c.attrs.Get<bool>("transpose_a"), tb = c.attrs.Get<bool>("transpose_b");
      int64_t m = ta ? a[1] : a[0], ka = ta ? a[0] : a[1];
      int64_t kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
      if (ka >= 0 && kb >= 0 && ka != kb)
        c.Fail("inner dimensions differ: " + std::to_string(ka) + " vs " + std::to_string(kb));
      return {{c.dtype(0), Shape{m, n}}};
    },
    // With A = op(a), B = op(b) and C = A B: dA = dC B^T and dB = A^T dC, then transposed back
    // into the stored layout of a and b.
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      bool ta = c.attrs().Get<bool>("transpose_a"), tb = c.attrs().Get<bool>("transpose_b");
      auto mm = [&](ValueRef x, ValueRef y, bool tx, bool ty) {
        return b.Op("MatMul", {x, y}, {{"transpose_a", tx}, {"transpose_b", ty}});
      };
      ValueRef g = c.dy(), A = c.x(0), B = c.x(1);
      if (!ta && !tb) return {mm(g, B, false, true), mm(A, g, true, false)};
      if (!ta && tb) return {mm(g, B, false, false), mm(g, A, true, false)};
      if (ta && !tb) return {mm(B, g, false, true), mm(A, g, false, false)};
      return {mm(B, g, true, true), mm(g, A, true, true)};
    },
    .doc = "Matrix product op(a) * op(b), op transposing when the attribute says so.",
});

}  // namespace
}  // namespace kiln::ops
