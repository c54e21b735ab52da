// Shape and data-movement ops, in Kiln's own layout (so Flatten's and Reshape's element order is
// Keras's channels_last order).
#include "io/onnx/emitter.h"

namespace {
using kiln::io::onnx_export::IntAttr;
using kiln::io::onnx_export::IntsAttr;

// Kiln's reductions: `axes` (empty: all) and keep_dims.
std::vector<int64_t> Axes(const kiln::io::onnx_export::Emitter& e) {
  std::vector<int64_t> axes = e.attrs().GetOr<std::vector<int64_t>>("axes", {});
  if (axes.empty())
    for (int d = 0; d < e.InType(0).shape.rank(); ++d) axes.push_back(d);
  return axes;
}
}  // namespace

// Kiln's target shape holds -1 at most once and never 0 (ONNX's "copy this dimension").
KILN_ONNX_EMITTER(Reshape) {
  const auto& shape = e.attrs().Get<std::vector<int64_t>>("shape");
  for (int64_t d : shape)
    if (d == 0) e.Fail("a zero-sized target dimension");
  e.Bind(0, e.Add("Reshape", {e.In(0), e.Int64s(shape)}));
}

KILN_ONNX_EMITTER(Transpose) {
  e.Bind(0, e.Transpose(e.In(0), e.attrs().Get<std::vector<int64_t>>("perm")));
}

KILN_ONNX_EMITTER(Concat) {
  std::vector<std::string> in;
  for (size_t i = 0; i < e.node().inputs.size(); ++i) in.push_back(e.In(static_cast<int>(i)));
  e.Bind(0, e.Add("Concat", in, {IntAttr("axis", e.attrs().Get<int64_t>("axis"))}));
}

KILN_ONNX_EMITTER(Slice) {
  const int64_t begin = e.attrs().Get<int64_t>("begin"), size = e.attrs().Get<int64_t>("size");
  e.Bind(0, e.Add("Slice", {e.In(0), e.Int64s({begin}), e.Int64s({begin + size}),
                            e.Int64s({e.attrs().Get<int64_t>("axis")})}));
}

// Kiln's paddings are (before, after) per dimension; ONNX's pads are every dimension's begin,
// then every dimension's end.
KILN_ONNX_EMITTER(Pad) {
  const auto& p = e.attrs().Get<std::vector<int64_t>>("paddings");
  std::vector<int64_t> pads(p.size());
  const size_t rank = p.size() / 2;
  for (size_t d = 0; d < rank; ++d) {
    pads[d] = p[2 * d];
    pads[rank + d] = p[2 * d + 1];
  }
  e.Bind(0, e.Add("Pad", {e.In(0), e.Int64s(pads)}));
}

// Opset 17: ReduceMean and ReduceMax take `axes` as an attribute, ReduceSum (since 13) as an input.
KILN_ONNX_EMITTER(ReduceMean) {
  e.Bind(0,
         e.Add("ReduceMean", {e.In(0)},
               {IntsAttr("axes", Axes(e)), IntAttr("keepdims", e.attrs().Get<bool>("keep_dims"))}));
}

KILN_ONNX_EMITTER(ReduceMax) {
  e.Bind(0,
         e.Add("ReduceMax", {e.In(0)},
               {IntsAttr("axes", Axes(e)), IntAttr("keepdims", e.attrs().Get<bool>("keep_dims"))}));
}

KILN_ONNX_EMITTER(ReduceSum) {
  e.Bind(0, e.Add("ReduceSum", {e.In(0), e.Int64s(Axes(e))},
                  {IntAttr("keepdims", e.attrs().Get<bool>("keep_dims"))}));
}
