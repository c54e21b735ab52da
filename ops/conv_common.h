// Shared by Conv2D, MaxPool2D and their gradient ops: NHWC window geometry with Keras's "valid"
// and "same" padding.
#pragma once

#include "ops/common.h"

namespace kiln::ops {

struct Window {
  int64_t kh, kw, sh, sw;
  bool same;
};

inline std::vector<AttrDef> WindowAttrs() {
  return {{"strides", AttrType::kInts, std::vector<int64_t>{1, 1}},
          {"padding", AttrType::kString, std::string("valid")}};
}

// Output size along one dimension (-1 stays unknown).
inline int64_t WindowOut(int64_t in, int64_t k, int64_t s, bool same) {
  if (in < 0) return kUnknownDim;
  return same ? (in + s - 1) / s : (in >= k ? (in - k) / s + 1 : 0);
}

inline Window CheckWindow(const InferenceContext& c, int64_t kh, int64_t kw) {
  const auto& st = c.attrs.Get<std::vector<int64_t>>("strides");
  const std::string& pad = c.attrs.Get<std::string>("padding");
  if (st.size() != 2 || st[0] <= 0 || st[1] <= 0) c.Fail("strides must be two positive integers");
  if (pad != "valid" && pad != "same")
    c.Fail("padding must be 'valid' or 'same', got '" + pad + "'");
  if (kh <= 0 || kw <= 0) c.Fail("window must be positive");
  return {kh, kw, st[0], st[1], pad == "same"};
}

// Checks that `dy` is the window output of `x` with `channels` channels (gradient ops' inputs).
inline void CheckWindowOutput(const InferenceContext& c, const Shape& x, const Window& win,
                              const Shape& dy, int64_t channels) {
  const Shape want{x[0], WindowOut(x[1], win.kh, win.sh, win.same),
                   WindowOut(x[2], win.kw, win.sw, win.same), channels};
  if (!dy.IsCompatibleWith(want))
    c.Fail("dy has shape " + dy.ToString() + ", the window output is " + want.ToString());
}

}  // namespace kiln::ops
