#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "SliceGrad",
    .inputs = {{"dy", {}, "T"}, {"like", {}, "T"}},
    .outputs = {{"dx"}},
    .attrs = {{"axis", AttrType::kInt}, {"begin", AttrType::kInt}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape &dy = c.shape(0), &like = c.shape(1);
      if (dy.rank() != like.rank() || like.rank() == 0)
        c.Fail("dy and like must have one rank, at least 1");
      const int axis = NormalizeAxis(c, c.attrs.Get<int64_t>("axis"), like.rank());
      const int64_t begin = c.attrs.Get<int64_t>("begin");
      if (begin < 0) c.Fail("begin must not be negative");
      for (int d = 0; d < like.rank(); ++d) {
        if (dy[d] < 0 || like[d] < 0) continue;
        if (d == axis ? begin + dy[d] > like[d] : dy[d] != like[d])
          c.Fail("dy " + dy.ToString() + " does not fit in " + like.ToString() + " at " +
                 std::to_string(begin) + " along axis " + std::to_string(axis));
      }
      return {{c.dtype(0), like}};
    },
    .grad_fn = [](GradContext& c) -> Grads {
      const Shape& dy = c.b.type(c.x(0)).shape;
      int64_t axis = c.attrs().Get<int64_t>("axis");
      if (axis < 0) axis += dy.rank();
      const int64_t size = dy[static_cast<int>(axis)];
      if (size < 0)
        throw ValueError("SliceGrad '" + c.node.name +
                         "': no gradient along a dimension of unknown size");
      return {c.b.Op("Slice", {c.dy()},
                     {{"axis", axis}, {"begin", c.attrs().Get<int64_t>("begin")}, {"size", size}}),
              ValueRef{}};
    },
    .doc = "Zeros of like's shape with dy written at [begin, begin + dy's size) along axis: "
           "Slice's gradient.",
});

}  // namespace
}  // namespace kiln::ops
