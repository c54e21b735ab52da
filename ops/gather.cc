#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Gather",
    .inputs = {{"params", kFloatTypes, "T"}, {"indices", kIndexTypes}},
    .outputs = {{"y"}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& params = c.shape(0);
      if (params.rank() < 1) c.Fail("params must have rank 1 or more, got a scalar");
      std::vector<int64_t> out = c.shape(1).dims();
      out.insert(out.end(), params.dims().begin() + 1, params.dims().end());
      return {{c.dtype(0), Shape(out)}};
    },
    // Each row of dy added into the row of params it was read from; repeated indices add up.
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("GatherGrad", {c.dy(), c.x(1), c.x(0)}), ValueRef{}};
    },
    .doc = "Rows of params (along axis 0) at each index: y[i..., j...] = params[indices[i...], "
           "j...] (Keras's Embedding lookup, TensorFlow's gather). An index outside [0, rows) is "
           "an error naming it.",
});

KILN_REGISTER_OP(OpDef{
    .name = "GatherGrad",
    .inputs = {{"dy", kFloatTypes, "T"}, {"indices", kIndexTypes}, {"like", kFloatTypes, "T"}},
    .outputs = {{"dparams"}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape &dy = c.shape(0), &indices = c.shape(1), &like = c.shape(2);
      if (like.rank() < 1 || dy.rank() != indices.rank() + like.rank() - 1)
        c.Fail("dy " + dy.ToString() + " is not the Gather of " + like.ToString() + " at " +
               indices.ToString());
      return {{c.dtype(0), like}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op("Gather", {c.dy(), c.x(1)}), ValueRef{}, ValueRef{}};
    },
    .doc = "Zeros of like's shape with each row of dy added into row indices[i...]: Gather's "
           "gradient (a dense scatter-add, so an index repeated in the batch gets every "
           "contribution).",
});

}  // namespace
}  // namespace kiln::ops
