#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Concat",
    .inputs = {{.name = "values", .type_var = "T", .variadic = true}},
    .outputs = {{"y"}},
    .attrs = {{"axis", AttrType::kInt, int64_t{-1}}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const int rank = c.shape(0).rank();
      if (rank == 0) c.Fail("cannot concatenate scalars");
      const int axis = NormalizeAxis(c, c.attrs.Get<int64_t>("axis"), rank);
      std::vector<int64_t> out = c.shape(0).dims();
      for (size_t i = 1; i < c.inputs.size(); ++i) {
        const Shape& s = c.shape(static_cast<int>(i));
        if (s.rank() != rank)
          c.Fail("input " + std::to_string(i) + " has rank " + std::to_string(s.rank()) +
                 ", input 0 has rank " + std::to_string(rank));
        for (int d = 0; d < rank; ++d) {
          if (d == axis) {
            out[d] = out[d] < 0 || s[d] < 0 ? kUnknownDim : out[d] + s[d];
          } else if (out[d] < 0) {
            out[d] = s[d];
          } else if (s[d] >= 0 && s[d] != out[d]) {
            c.Fail("inputs differ in dimension " + std::to_string(d) + ", which is not the axis " +
                   std::to_string(axis));
          }
        }
      }
      return {{c.dtype(0), Shape(out)}};
    },
    // Each input's gradient is its own stretch of dy along the axis; the offsets must be static,
    // which they are wherever Keras concatenates (never along the batch dimension of a model).
    .grad_fn = [](GradContext& c) -> Grads {
      const int rank = c.b.type(c.x(0)).shape.rank();
      int64_t axis = c.attrs().Get<int64_t>("axis");
      if (axis < 0) axis += rank;
      Grads grads;
      int64_t begin = 0;
      for (size_t i = 0; i < c.node.inputs.size(); ++i) {
        const int64_t size = c.b.type(c.x(static_cast<int>(i))).shape[static_cast<int>(axis)];
        if (size < 0)
          throw ValueError("Concat '" + c.node.name +
                           "': no gradient along a dimension of unknown size (axis " +
                           std::to_string(axis) + ")");
        grads.push_back(
            c.b.Op("Slice", {c.dy()}, {{"axis", axis}, {"begin", begin}, {"size", size}}));
        begin += size;
      }
      return grads;
    },
    .doc = "Joins its inputs (one or more, of one rank and dtype) along axis.",
});

}  // namespace
}  // namespace kiln::ops
