// Convolution and pooling, NHWC. Conv2D and its filter gradient are im2col + the threaded GEMM
// (gemm.h); the input gradient is a GEMM followed by col2im. Im2col, col2im and pooling split the
// batch over the thread pool. The im2col matrix lives in a per-thread scratch
// buffer that grows once and is reused, so steady-state steps do not allocate.
#include <algorithm>
#include <vector>

#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/gemm.h"
#include "kernels/cpu/thread_pool.h"
#include "kernels/cpu/window.h"

namespace kiln::cpu {
namespace {

template <typename T>
T* Scratch(size_t n) {
  thread_local std::vector<T> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

// The pixels of output (oy, ox)'s pooling window that lie inside the image: rows [y0, y1),
// columns [x0, x1).
struct Span {
  int64_t y0, y1, x0, x1;
  int64_t count() const { return (y1 - y0) * (x1 - x0); }
  bool empty() const { return y0 >= y1 || x0 >= x1; }  // the window lies wholly in the padding
};
Span Inside(const Geometry& g, int64_t oy, int64_t ox) {
  return {std::max<int64_t>(g.row(oy, 0), 0), std::min(g.row(oy, g.kh - 1) + 1, g.h),
          std::max<int64_t>(g.col(ox, 0), 0), std::min(g.col(ox, g.kw - 1) + 1, g.w)};
}

Geometry PoolGeometry(const KernelContext& c, const Shape& x, const Shape& y) {
  const auto& p = c.attrs().Get<std::vector<int64_t>>("pool_size");
  return MakeGeometry(x, p[0], p[1], c.attrs(), y);
}

// Images per ParallelRange range, for work proportional to `per_image` elements: about 64 K
// elements a range.
int64_t ImagesPerRange(int64_t per_image) {
  return std::max<int64_t>(1, (int64_t{1} << 16) / std::max<int64_t>(1, per_image));
}

// Rows: output pixels (n, oh, ow); columns: (kh, kw, c). Out-of-image taps are zero. Images are
// independent, so they are spread over the thread pool.
template <typename T>
void Im2Col(const T* x, const Geometry& g, T* cols) {
  const int64_t row = g.kh * g.kw * g.c;
  ParallelRange(g.n, ImagesPerRange(g.oh * g.ow * row), [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; ++n)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          T* dst = cols + ((n * g.oh + oy) * g.ow + ox) * row;
          const bool row_inside = g.dw == 1 && g.col(ox, 0) >= 0 && g.col(ox, g.kw - 1) < g.w;
          for (int64_t ky = 0; ky < g.kh; ++ky) {
            const int64_t iy = g.row(oy, ky);
            if (row_inside && iy >= 0 && iy < g.h) {
              // The window's row is kw * c consecutive inputs: one short copy, not kw (a loop,
              // not memcpy: with few channels the call would cost more than the copy).
              const T* src = x + ((n * g.h + iy) * g.w + g.col(ox, 0)) * g.c;
              for (int64_t i = 0; i < g.kw * g.c; ++i) dst[i] = src[i];
              dst += g.kw * g.c;
              continue;
            }
            for (int64_t kx = 0; kx < g.kw; ++kx, dst += g.c) {
              const int64_t ix = g.col(ox, kx);
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w)
                std::fill(dst, dst + g.c, T(0));
              else
                std::copy_n(x + ((n * g.h + iy) * g.w + ix) * g.c, g.c, dst);
            }
          }
        }
  });
}

// The inverse scatter: each column entry added back into the input pixel it came from.
template <typename T>
void Col2Im(const T* cols, const Geometry& g, T* dx) {
  const int64_t row = g.kh * g.kw * g.c, image = g.h * g.w * g.c;
  ParallelRange(g.n, ImagesPerRange(g.oh * g.ow * row), [&](int64_t n0, int64_t n1) {
    std::fill(dx + n0 * image, dx + n1 * image, T(0));
    for (int64_t n = n0; n < n1; ++n)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const T* src = cols + ((n * g.oh + oy) * g.ow + ox) * row;
          for (int64_t ky = 0; ky < g.kh; ++ky) {
            const int64_t iy = g.row(oy, ky);
            for (int64_t kx = 0; kx < g.kw; ++kx, src += g.c) {
              const int64_t ix = g.col(ox, kx);
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              T* d = dx + ((n * g.h + iy) * g.w + ix) * g.c;
              for (int64_t ch = 0; ch < g.c; ++ch) d[ch] += src[ch];
            }
          }
        }
  });
}

template <typename T>
struct Conv2D {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    const Tensor& f = c.input(1);
    Tensor& y = c.output(0);
    const Geometry g = MakeGeometry(x.shape(), f.dim(0), f.dim(1), c.attrs(), y.shape());
    const int64_t rows = g.n * g.oh * g.ow, k = g.kh * g.kw * g.c, out = f.dim(3);
    T* cols = Scratch<T>(static_cast<size_t>(rows * k));
    Im2Col(x.data<T>(), g, cols);
    Gemm(static_cast<const T*>(cols), false, f.data<T>(), false, y.data<T>(), rows, out, k);
  }
};

template <typename T>
struct Conv2DBackpropFilter {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    const Tensor& dy = c.input(1);
    Tensor& df = c.output(0);
    const Geometry g = MakeGeometry(x.shape(), df.dim(0), df.dim(1), c.attrs(), dy.shape());
    const int64_t rows = g.n * g.oh * g.ow, k = g.kh * g.kw * g.c, out = df.dim(3);
    T* cols = Scratch<T>(static_cast<size_t>(rows * k));
    Im2Col(x.data<T>(), g, cols);
    Gemm(static_cast<const T*>(cols), true, dy.data<T>(), false, df.data<T>(), k, out, rows);
  }
};

template <typename T>
struct Conv2DBackpropInput {
  static void Run(KernelContext& c) {
    const Tensor& dy = c.input(0);
    const Tensor& f = c.input(1);
    Tensor& dx = c.output(0);
    const Geometry g = MakeGeometry(dx.shape(), f.dim(0), f.dim(1), c.attrs(), dy.shape());
    const int64_t rows = g.n * g.oh * g.ow, k = g.kh * g.kw * g.c, out = f.dim(3);
    T* cols = Scratch<T>(static_cast<size_t>(rows * k));
    Gemm(dy.data<T>(), false, f.data<T>(), true, cols, rows, k, out);
    Col2Im(static_cast<const T*>(cols), g, dx.data<T>());
  }
};

// Calls fn(n, oy, ox, s) for every output pixel of images [n0, n1) with its window's in-image
// span s.
template <typename Fn>
void ForEachWindow(const Geometry& g, int64_t n0, int64_t n1, Fn&& fn) {
  for (int64_t n = n0; n < n1; ++n)
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) fn(n, oy, ox, Inside(g, oy, ox));
}

// The maximum of each window and channel: its first maximum (a later tap wins only when greater),
// 0 for a window wholly in the padding. Channels are the inner, contiguous loop (NHWC), so each
// tap is one vector max over them.
template <typename T>
struct MaxPool2D {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    const Geometry g = PoolGeometry(c, x.shape(), c.output(0).shape());
    const T* px = x.data<T>();
    T* py = c.output(0).data<T>();
    ParallelRange(g.n, ImagesPerRange(g.h * g.w * g.c), [&](int64_t n0, int64_t n1) {
      ForEachWindow(g, n0, n1, [&](int64_t n, int64_t oy, int64_t ox, const Span& s) {
        T* dst = py + ((n * g.oh + oy) * g.ow + ox) * g.c;
        if (s.empty()) return std::fill(dst, dst + g.c, T(0));
        std::copy_n(px + ((n * g.h + s.y0) * g.w + s.x0) * g.c, g.c, dst);
        for (int64_t iy = s.y0; iy < s.y1; ++iy)
          for (int64_t ix = s.x0; ix < s.x1; ++ix) {
            const T* src = px + ((n * g.h + iy) * g.w + ix) * g.c;
            for (int64_t ch = 0; ch < g.c; ++ch) dst[ch] = src[ch] > dst[ch] ? src[ch] : dst[ch];
          }
      });
    });
  }
};

// dy of each window goes to its first maximum (as MaxPool2D picks it), per channel.
template <typename T>
struct MaxPool2DGrad {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    const Tensor& dy = c.input(1);
    const Geometry g = PoolGeometry(c, x.shape(), dy.shape());
    const T* px = x.data<T>();
    const T* pdy = dy.data<T>();
    T* pdx = c.output(0).data<T>();
    const int64_t image = g.h * g.w * g.c;
    ParallelRange(g.n, ImagesPerRange(image), [&](int64_t n0, int64_t n1) {
      std::fill(pdx + n0 * image, pdx + n1 * image, T(0));
      std::vector<T> best(g.c);
      std::vector<int64_t> at(g.c);
      ForEachWindow(g, n0, n1, [&](int64_t n, int64_t oy, int64_t ox, const Span& s) {
        if (s.empty()) return;
        const int64_t first = ((n * g.h + s.y0) * g.w + s.x0) * g.c;
        std::copy_n(px + first, g.c, best.data());
        std::fill(at.begin(), at.end(), first);
        for (int64_t iy = s.y0; iy < s.y1; ++iy)
          for (int64_t ix = s.x0; ix < s.x1; ++ix) {
            const int64_t base = ((n * g.h + iy) * g.w + ix) * g.c;
            for (int64_t ch = 0; ch < g.c; ++ch) {
              const bool greater = px[base + ch] > best[ch];
              best[ch] = greater ? px[base + ch] : best[ch];
              at[ch] = greater ? base : at[ch];
            }
          }
        const T* src = pdy + ((n * g.oh + oy) * g.ow + ox) * g.c;
        for (int64_t ch = 0; ch < g.c; ++ch) pdx[at[ch] + ch] += src[ch];
      });
    });
  }
};

template <typename T>
struct AvgPool2D {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    Tensor& y = c.output(0);
    const Geometry g = PoolGeometry(c, x.shape(), y.shape());
    const T* px = x.data<T>();
    T* py = y.data<T>();
    std::fill(py, py + y.num_elements(), T(0));
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const Span s = Inside(g, oy, ox);
          T* dst = py + ((n * g.oh + oy) * g.ow + ox) * g.c;
          for (int64_t iy = s.y0; iy < s.y1; ++iy)
            for (int64_t ix = s.x0; ix < s.x1; ++ix) {
              const T* src = px + ((n * g.h + iy) * g.w + ix) * g.c;
              for (int64_t ch = 0; ch < g.c; ++ch) dst[ch] += src[ch];
            }
          const T scale = T(1) / static_cast<T>(s.count());
          for (int64_t ch = 0; ch < g.c; ++ch) dst[ch] *= scale;
        }
  }
};

template <typename T>
struct AvgPool2DGrad {
  static void Run(KernelContext& c) {
    const Tensor& dy = c.input(0);
    Tensor& dx = c.output(0);
    const Geometry g = PoolGeometry(c, dx.shape(), dy.shape());
    const T* pdy = dy.data<T>();
    T* pdx = dx.data<T>();
    std::fill(pdx, pdx + dx.num_elements(), T(0));
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const Span s = Inside(g, oy, ox);
          const T* src = pdy + ((n * g.oh + oy) * g.ow + ox) * g.c;
          const T scale = T(1) / static_cast<T>(s.count());
          for (int64_t iy = s.y0; iy < s.y1; ++iy)
            for (int64_t ix = s.x0; ix < s.x1; ++ix) {
              T* dst = pdx + ((n * g.h + iy) * g.w + ix) * g.c;
              for (int64_t ch = 0; ch < g.c; ++ch) dst[ch] += src[ch] * scale;
            }
        }
  }
};

const bool registered = [] {
  RegisterFloatKernels<Conv2D>("Conv2D");
  RegisterFloatKernels<Conv2DBackpropFilter>("Conv2DBackpropFilter");
  RegisterFloatKernels<Conv2DBackpropInput>("Conv2DBackpropInput");
  // The same computation, with x in dy's place and the output shape from the op's output_size.
  RegisterFloatKernels<Conv2DBackpropInput>("Conv2DTranspose");
  RegisterFloatKernels<MaxPool2D>("MaxPool2D");
  RegisterFloatKernels<MaxPool2DGrad>("MaxPool2DGrad");
  RegisterFloatKernels<AvgPool2D>("AvgPool2D");
  RegisterFloatKernels<AvgPool2DGrad>("AvgPool2DGrad");
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
