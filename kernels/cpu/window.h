// NHWC window geometry for the convolution and pooling kernels: the same arithmetic as the ops'
// shape functions (ops/conv_common.h), with Keras's "same" padding split as TensorFlow splits it
// (the odd pixel goes after).
#pragma once

#include <algorithm>

#include "kernels/kernel_registry.h"

namespace kiln::cpu {

struct Geometry {
  int64_t n, h, w, c;      // input
  int64_t kh, kw, sh, sw;  // window taps and strides
  int64_t dh, dw;          // dilation: taps dh, dw pixels apart
  int64_t oh, ow;          // output
  int64_t pad_top, pad_left;

  // Input row or column of a tap, which may fall in the padding (< 0 or >= h, w).
  int64_t row(int64_t oy, int64_t ky) const { return oy * sh + ky * dh - pad_top; }
  int64_t col(int64_t ox, int64_t kx) const { return ox * sw + kx * dw - pad_left; }
};

inline Geometry MakeGeometry(const Shape& x, int64_t kh, int64_t kw, const AttrMap& attrs,
                             const Shape& y) {
  const auto& st = attrs.Get<std::vector<int64_t>>("strides");
  const auto dil = attrs.GetOr<std::vector<int64_t>>("dilations", {1, 1});
  const bool same = attrs.Get<std::string>("padding") == "same";
  Geometry g{x[0], x[1], x[2], x[3], kh, kw, st[0], st[1], dil[0], dil[1], y[1], y[2], 0, 0};
  if (same) {
    g.pad_top = std::max<int64_t>((g.oh - 1) * g.sh + (kh - 1) * g.dh + 1 - g.h, 0) / 2;
    g.pad_left = std::max<int64_t>((g.ow - 1) * g.sw + (kw - 1) * g.dw + 1 - g.w, 0) / 2;
  }
  return g;
}

}  // namespace kiln::cpu
