#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Reshape",
    .inputs = {{"x"}},
    .outputs = {{"y"}},
    .attrs = {{"shape", AttrType::kInts}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      std::vector<int64_t> dims = c.attrs.Get<std::vector<int64_t>>("shape");
      const Shape& in = c.shape(0);
      int infer = -1;
      int64_t known = 1;
      for (int i = 0; i < static_cast<int>(dims.size()); ++i) {
        if (dims[i] == -1) {
          if (infer >= 0) c.Fail("shape " + Shape(dims).ToString() + " has more than one -1");
          infer = i;
        } else if (dims[i] < 0) {
          c.Fail("invalid target dimension " + std::to_string(dims[i]));
        } else {
          known *= dims[i];
        }
      }
      if (!in.IsFullyDefined()) {
        // The unknown batch dimension flows into the -1 slot when the known parts divide one
        // another: folded into it ((?, 28, 28) -> (-1, 784)) or unfolded out of it ((?, 3) ->
        // (-1, 5, 3), where ? is a multiple of 5). Anything else is left to the run, where the
        // shapes are known and checked exactly.
        int64_t rest = 1;
        for (int64_t d : in.dims())
          if (d >= 0) rest *= d;
        if (infer < 0 || (known != 0 && rest != 0 && rest % known != 0 && known % rest != 0))
          c.Fail("cannot reshape " + in.ToString() + " to " + Shape(dims).ToString());
        return {{c.dtype(0), Shape(dims)}};
      }
      int64_t n = in.NumElements();
      if (infer >= 0) {
        if (known == 0 || n % known != 0)
          c.Fail("cannot reshape " + in.ToString() + " to " + Shape(dims).ToString());
        dims[infer] = n / known;
      } else if (known != n) {
        c.Fail("cannot reshape " + in.ToString() + " (" + std::to_string(n) + " elements) to " +
               Shape(dims).ToString());
      }
      return {{c.dtype(0), Shape(dims)}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("ReshapeLike", {c.dy(), c.x(0)})};
    },
    .doc = "The same elements in another shape; one target dimension may be -1 (inferred).",
});

}  // namespace
}  // namespace kiln::ops
