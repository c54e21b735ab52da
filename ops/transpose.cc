#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Transpose",
    .inputs = {{"x"}},
    .outputs = {{"y"}},
    .attrs = {{"perm", AttrType::kInts}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const auto& perm = c.attrs.Get<std::vector<int64_t>>("perm");
      const Shape& in = c.shape(0);
      if (static_cast<int>(perm.size()) != in.rank())
        c.Fail("perm has " + std::to_string(perm.size()) + " entries for rank " +
               std::to_string(in.rank()));
      std::vector<int64_t> out(in.rank());
      std::vector<bool> seen(in.rank(), false);
      for (int i = 0; i < in.rank(); ++i) {
        if (perm[i] < 0 || perm[i] >= in.rank() || seen[perm[i]])
          c.Fail("perm is not a permutation");
        seen[perm[i]] = true;
        out[i] = in[static_cast<int>(perm[i])];
      }
      return {{c.dtype(0), Shape(out)}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      const auto& perm = c.attrs().Get<std::vector<int64_t>>("perm");
      std::vector<int64_t> inverse(perm.size());
      for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
      return {c.b.Op("Transpose", {c.dy()}, {{"perm", inverse}})};
    },
    .doc = "Permutes dimensions: output dim i is input dim perm[i].",
});

}  // namespace
}  // namespace kiln::ops
