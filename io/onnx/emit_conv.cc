// Convolutions and pooling. Kiln's are NHWC with [kh, kw, in, out] filters; ONNX's are NCHW with
// [out, in/group, kh, kw] filters. Each op is wrapped: Transpose to NCHW, the ONNX op, Transpose
// back, and the filter goes through a Transpose node rather than being rewritten, so the
// initializers stay byte-for-byte Kiln's weights (onnxruntime folds constant transposes and
// cancels the back-to-back activation transposes between consecutive convolutions).
// Keras's "same" padding is TensorFlow's (the odd pixel after), written as explicit pads from the
// static spatial sizes, which Kiln's application models always have.
#include "io/onnx/emitter.h"

namespace {
using kiln::io::onnx_export::Emitter;
using kiln::io::onnx_export::IntAttr;
using kiln::io::onnx_export::IntsAttr;

const std::vector<int64_t> kToNchw = {0, 3, 1, 2}, kToNhwc = {0, 2, 3, 1};
const std::vector<int64_t> kFilterToOihw = {3, 2, 0, 1};

// pads = [top, left, bottom, right] for windows spanning `span` pixels with `strides`.
std::vector<int64_t> Pads(const Emitter& e, const std::vector<int64_t>& span) {
  if (e.attrs().Get<std::string>("padding") != "same") return {0, 0, 0, 0};
  const auto& strides = e.attrs().Get<std::vector<int64_t>>("strides");
  const kiln::Shape& x = e.InType(0).shape;
  std::vector<int64_t> before(2), after(2);
  for (int d = 0; d < 2; ++d) {
    const int64_t in = x[1 + d], s = strides[d];
    if (in < 0) e.Fail("'same' padding needs a static spatial size");
    const int64_t out = (in + s - 1) / s;
    const int64_t total = std::max<int64_t>((out - 1) * s + span[d] - in, 0);
    before[d] = total / 2;
    after[d] = total - before[d];
  }
  return {before[0], before[1], after[0], after[1]};
}

void EmitConv(Emitter& e, const std::string& filter_oihw, int64_t group) {
  const kiln::Shape& f = e.InType(1).shape;
  const auto dil = e.attrs().GetOr<std::vector<int64_t>>("dilations", {1, 1});
  const std::vector<int64_t> span = {(f[0] - 1) * dil[0] + 1, (f[1] - 1) * dil[1] + 1};
  const std::string y =
      e.Add("Conv", {e.Transpose(e.In(0), kToNchw), filter_oihw},
            {IntsAttr("kernel_shape", {f[0], f[1]}),
             IntsAttr("strides", e.attrs().Get<std::vector<int64_t>>("strides")),
             IntsAttr("dilations", dil), IntsAttr("pads", Pads(e, span)), IntAttr("group", group)});
  e.Bind(0, e.Transpose(y, kToNhwc));
}

void EmitPool(Emitter& e, const std::string& op_type, bool avg) {
  const auto& k = e.attrs().Get<std::vector<int64_t>>("pool_size");
  std::vector<onnx::AttributeProto> attrs = {
      IntsAttr("kernel_shape", k),
      IntsAttr("strides", e.attrs().Get<std::vector<int64_t>>("strides")),
      IntsAttr("pads", Pads(e, k))};
  // Kiln's AvgPool2D does not count padding positions (as Keras); ONNX's default also does not.
  if (avg) attrs.push_back(IntAttr("count_include_pad", 0));
  const std::string y = e.Add(op_type, {e.Transpose(e.In(0), kToNchw)}, attrs);
  e.Bind(0, e.Transpose(y, kToNhwc));
}
}  // namespace

KILN_ONNX_EMITTER(Conv2D) { EmitConv(e, e.Transpose(e.In(1), kFilterToOihw), 1); }

// Kiln's depthwise filter [kh, kw, C, M] makes output channel c * M + m from input channel c with
// filter m: reshaped to [kh, kw, 1, C * M] and transposed, it is ONNX's [C * M, 1, kh, kw] filter
// of a Conv with group C, whose output channel c * M + m reads group c.
KILN_ONNX_EMITTER(DepthwiseConv2D) {
  const kiln::Shape& f = e.InType(1).shape;
  const std::string flat = e.Add("Reshape", {e.In(1), e.Int64s({f[0], f[1], 1, f[2] * f[3]})});
  EmitConv(e, e.Transpose(flat, kFilterToOihw), f[2]);
}

KILN_ONNX_EMITTER(MaxPool2D) { EmitPool(e, "MaxPool", false); }
KILN_ONNX_EMITTER(AvgPool2D) { EmitPool(e, "AveragePool", true); }
