// DepthwiseConv2D and its two gradients, NHWC, filter [kh, kw, C, M], output channel c * M + m.
// Direct loops: each tap is a multiply-add over a contiguous run of C * M output channels (no
// im2col, whose matrix would be kh * kw times the input for a GEMM with one column per channel).
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/window.h"

namespace kiln::cpu {
namespace {

// Calls fn(out_pixel, in_pixel, tap) for every tap of every output pixel that lands inside the
// image: the flat pixel indices (times C * M or C gives the channel base) and the tap ky * kw + kx.
template <typename Fn>
void ForEachTap(const Geometry& g, Fn fn) {
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        const int64_t out = (n * g.oh + oy) * g.ow + ox;
        for (int64_t ky = 0; ky < g.kh; ++ky) {
          const int64_t iy = g.row(oy, ky);
          if (iy < 0 || iy >= g.h) continue;
          for (int64_t kx = 0; kx < g.kw; ++kx) {
            const int64_t ix = g.col(ox, kx);
            if (ix < 0 || ix >= g.w) continue;
            fn(out, (n * g.h + iy) * g.w + ix, ky * g.kw + kx);
          }
        }
      }
}

template <typename T>
struct DepthwiseConv2D {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    const Tensor& f = c.input(1);
    Tensor& y = c.output(0);
    const Geometry g = MakeGeometry(x.shape(), f.dim(0), f.dim(1), c.attrs(), y.shape());
    const int64_t C = g.c, M = f.dim(3), CM = C * M;
    const T *px = x.data<T>(), *pf = f.data<T>();
    T* py = y.data<T>();
    std::fill(py, py + y.num_elements(), T(0));
    ForEachTap(g, [&](int64_t o, int64_t i, int64_t tap) {
      T* dst = py + o * CM;
      const T* src = px + i * C;
      const T* w = pf + tap * CM;
      if (M == 1) {
        for (int64_t ch = 0; ch < C; ++ch) dst[ch] += src[ch] * w[ch];
      } else {
        for (int64_t ch = 0; ch < C; ++ch)
          for (int64_t m = 0; m < M; ++m) dst[ch * M + m] += src[ch] * w[ch * M + m];
      }
    });
  }
};

template <typename T>
struct DepthwiseConv2DBackpropInput {
  static void Run(KernelContext& c) {
    const Tensor& dy = c.input(0);
    const Tensor& f = c.input(1);
    Tensor& dx = c.output(0);
    const Geometry g = MakeGeometry(dx.shape(), f.dim(0), f.dim(1), c.attrs(), dy.shape());
    const int64_t C = g.c, M = f.dim(3), CM = C * M;
    const T *pdy = dy.data<T>(), *pf = f.data<T>();
    T* pdx = dx.data<T>();
    std::fill(pdx, pdx + dx.num_elements(), T(0));
    ForEachTap(g, [&](int64_t o, int64_t i, int64_t tap) {
      const T* src = pdy + o * CM;
      T* dst = pdx + i * C;
      const T* w = pf + tap * CM;
      if (M == 1) {
        for (int64_t ch = 0; ch < C; ++ch) dst[ch] += src[ch] * w[ch];
      } else {
        for (int64_t ch = 0; ch < C; ++ch)
          for (int64_t m = 0; m < M; ++m) dst[ch] += src[ch * M + m] * w[ch * M + m];
      }
    });
  }
};

template <typename T>
struct DepthwiseConv2DBackpropFilter {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    const Tensor& dy = c.input(1);
    Tensor& df = c.output(0);
    const Geometry g = MakeGeometry(x.shape(), df.dim(0), df.dim(1), c.attrs(), dy.shape());
    const int64_t C = g.c, M = df.dim(3), CM = C * M;
    const T *px = x.data<T>(), *pdy = dy.data<T>();
    T* pdf = df.data<T>();
    std::fill(pdf, pdf + df.num_elements(), T(0));
    ForEachTap(g, [&](int64_t o, int64_t i, int64_t tap) {
      const T* src = px + i * C;
      const T* d = pdy + o * CM;
      T* dst = pdf + tap * CM;
      if (M == 1) {
        for (int64_t ch = 0; ch < C; ++ch) dst[ch] += src[ch] * d[ch];
      } else {
        for (int64_t ch = 0; ch < C; ++ch)
          for (int64_t m = 0; m < M; ++m) dst[ch * M + m] += src[ch] * d[ch * M + m];
      }
    });
  }
};

const bool registered = [] {
  RegisterFloatKernels<DepthwiseConv2D>("DepthwiseConv2D");
  RegisterFloatKernels<DepthwiseConv2DBackpropInput>("DepthwiseConv2DBackpropInput");
  RegisterFloatKernels<DepthwiseConv2DBackpropFilter>("DepthwiseConv2DBackpropFilter");
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
