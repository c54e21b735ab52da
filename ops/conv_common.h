// Shared by the convolutions, MaxPool2D and their gradient ops: NHWC window geometry with Keras's
// "valid" and "same" padding. Convolutions also take `dilations` (taps spaced d apart, so a
// k-tap window spans (k - 1) * d + 1 pixels); pooling windows are never dilated.
#pragma once

#include "ops/common.h"

namespace kiln::ops {

struct Window {
  int64_t kh, kw, sh, sw;
  bool same;
  int64_t dh = 1, dw = 1;
  int64_t span_h() const { return (kh - 1) * dh + 1; }
  int64_t span_w() const { return (kw - 1) * dw + 1; }
};

inline std::vector<AttrDef> WindowAttrs() {
  return {{"strides", AttrType::kInts, std::vector<int64_t>{1, 1}},
          {"padding", AttrType::kString, std::string("valid")}};
}

inline std::vector<AttrDef> ConvAttrs() {
  auto a = WindowAttrs();
  a.push_back({"dilations", AttrType::kInts, std::vector<int64_t>{1, 1}});
  return a;
}

inline std::vector<AttrDef> PoolAttrs() {
  auto a = WindowAttrs();
  a.push_back({"pool_size", AttrType::kInts, std::vector<int64_t>{2, 2}});
  return a;
}

// Output size along one dimension for a window spanning `span` pixels (-1 stays unknown).
inline int64_t WindowOut(int64_t in, int64_t span, int64_t s, bool same) {
  if (in < 0) return kUnknownDim;
  return same ? (in + s - 1) / s : (in >= span ? (in - span) / s + 1 : 0);
}

inline Window CheckWindow(const InferenceContext& c, int64_t kh, int64_t kw) {
  const auto& st = c.attrs.Get<std::vector<int64_t>>("strides");
  const std::string& pad = c.attrs.Get<std::string>("padding");
  const auto dil = c.attrs.GetOr<std::vector<int64_t>>("dilations", {1, 1});
  if (st.size() != 2 || st[0] <= 0 || st[1] <= 0) c.Fail("strides must be two positive integers");
  if (dil.size() != 2 || dil[0] <= 0 || dil[1] <= 0)
    c.Fail("dilations must be two positive integers");
  if (pad != "valid" && pad != "same")
    c.Fail("padding must be 'valid' or 'same', got '" + pad + "'");
  if (kh <= 0 || kw <= 0) c.Fail("window must be positive");
  return {kh, kw, st[0], st[1], pad == "same", dil[0], dil[1]};
}

inline Window CheckPool(const InferenceContext& c) {
  const auto& p = c.attrs.Get<std::vector<int64_t>>("pool_size");
  if (p.size() != 2) c.Fail("pool_size must have two entries");
  return CheckWindow(c, p[0], p[1]);
}

// [batch, oh, ow, channels]: the window output of x.
inline Shape WindowOutput(const Shape& x, const Window& win, int64_t channels) {
  return Shape{x[0], WindowOut(x[1], win.span_h(), win.sh, win.same),
               WindowOut(x[2], win.span_w(), win.sw, win.same), channels};
}

// Output channels of a depthwise filter [kh, kw, channels, multiplier].
inline int64_t DepthwiseChannels(const Shape& f) {
  return f[2] < 0 || f[3] < 0 ? kUnknownDim : f[2] * f[3];
}

// Checks that `dy` is the window output of `x` with `channels` channels (gradient ops' inputs).
inline void CheckWindowOutput(const InferenceContext& c, const Shape& x, const Window& win,
                              const Shape& dy, int64_t channels) {
  const Shape want = WindowOutput(x, win, channels);
  if (!dy.IsCompatibleWith(want))
    c.Fail("dy has shape " + dy.ToString() + ", the window output is " + want.ToString());
}

}  // namespace kiln::ops
