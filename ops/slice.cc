#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "Slice",
    .inputs = {{"x"}},
    .outputs = {{"y"}},
    .attrs = {{"axis", AttrType::kInt}, {"begin", AttrType::kInt}, {"size", AttrType::kInt}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      const Shape& in = c.shape(0);
      if (in.rank() == 0) c.Fail("cannot slice a scalar");
      const int axis = NormalizeAxis(c, c.attrs.Get<int64_t>("axis"), in.rank());
      const int64_t begin = c.attrs.Get<int64_t>("begin"), size = c.attrs.Get<int64_t>("size");
      if (begin < 0 || size < 0) c.Fail("begin and size must not be negative");
      if (in[axis] >= 0 && begin + size > in[axis])
        c.Fail("[" + std::to_string(begin) + ", " + std::to_string(begin + size) +
               ") is out of range for dimension " + std::to_string(axis) + " of size " +
               std::to_string(in[axis]));
      std::vector<int64_t> out = in.dims();
      out[axis] = size;
      return {{c.dtype(0), Shape(out)}};
    },
    // The gradient puts dy back in place and zeros elsewhere; x only gives the shape.
    .grad_fn = [](GradContext& c) -> Grads {
      return {c.b.Op(
          "SliceGrad", {c.dy(), c.x(0)},
          {{"axis", c.attrs().Get<int64_t>("axis")}, {"begin", c.attrs().Get<int64_t>("begin")}})};
    },
    .doc = "The elements [begin, begin + size) of x along axis, every other dimension whole.",
});

}  // namespace
}  // namespace kiln::ops
