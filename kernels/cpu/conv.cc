// Convolution and pooling, NHWC. Conv2D and its filter gradient are im2col + Eigen GEMM; the
// input gradient is a GEMM followed by col2im. The im2col matrix lives in a per-thread scratch
// buffer that grows once and is reused, so steady-state steps do not allocate.
#include <Eigen/Dense>
#include <limits>

#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/window.h"

namespace kiln::cpu {
namespace {

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <typename T>
T* Scratch(size_t n) {
  thread_local std::vector<T> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

// Rows: output pixels (n, oh, ow); columns: (kh, kw, c). Out-of-image taps are zero.
template <typename T>
void Im2Col(const T* x, const Geometry& g, T* cols) {
  const int64_t row = g.kh * g.kw * g.c;
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        T* dst = cols + ((n * g.oh + oy) * g.ow + ox) * row;
        for (int64_t ky = 0; ky < g.kh; ++ky) {
          const int64_t iy = g.row(oy, ky);
          for (int64_t kx = 0; kx < g.kw; ++kx, dst += g.c) {
            const int64_t ix = g.col(ox, kx);
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w)
              std::fill(dst, dst + g.c, T(0));
            else
              std::copy_n(x + ((n * g.h + iy) * g.w + ix) * g.c, g.c, dst);
          }
        }
      }
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
    Eigen::Map<const RowMajor<T>> A(cols, rows, k), F(f.data<T>(), k, out);
    Eigen::Map<RowMajor<T>> Y(y.data<T>(), rows, out);
    Eigen::setNbThreads(GemmThreads(rows, out, k));
    Y.noalias() = A * F;
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
    Eigen::Map<const RowMajor<T>> A(cols, rows, k), DY(dy.data<T>(), rows, out);
    Eigen::Map<RowMajor<T>> DF(df.data<T>(), k, out);
    Eigen::setNbThreads(GemmThreads(k, out, rows));
    DF.noalias() = A.transpose() * DY;
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
    Eigen::Map<const RowMajor<T>> DY(dy.data<T>(), rows, out), F(f.data<T>(), k, out);
    Eigen::Map<RowMajor<T>> C(cols, rows, k);
    Eigen::setNbThreads(GemmThreads(rows, k, out));
    C.noalias() = DY * F.transpose();
    // col2im: add each column entry back into the input pixel it came from.
    T* px = dx.data<T>();
    std::fill(px, px + dx.num_elements(), T(0));
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const T* src = cols + ((n * g.oh + oy) * g.ow + ox) * k;
          for (int64_t ky = 0; ky < g.kh; ++ky) {
            const int64_t iy = g.row(oy, ky);
            for (int64_t kx = 0; kx < g.kw; ++kx, src += g.c) {
              const int64_t ix = g.col(ox, kx);
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              T* d = px + ((n * g.h + iy) * g.w + ix) * g.c;
              for (int64_t ch = 0; ch < g.c; ++ch) d[ch] += src[ch];
            }
          }
        }
  }
};

// Calls fn(out_index, in_index) for the first maximum of every window and channel.
template <typename T, typename Fn>
void ForEachArgMax(const Tensor& x, const Geometry& g, Fn fn) {
  const T* px = x.data<T>();
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox)
        for (int64_t ch = 0; ch < g.c; ++ch) {
          int64_t best = -1;
          for (int64_t ky = 0; ky < g.kh; ++ky) {
            const int64_t iy = g.row(oy, ky);
            if (iy < 0 || iy >= g.h) continue;
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              const int64_t ix = g.col(ox, kx);
              if (ix < 0 || ix >= g.w) continue;
              const int64_t at = ((n * g.h + iy) * g.w + ix) * g.c + ch;
              if (best < 0 || px[at] > px[best]) best = at;
            }
          }
          fn(((n * g.oh + oy) * g.ow + ox) * g.c + ch, best);
        }
}

Geometry PoolGeometry(const KernelContext& c, const Shape& x, const Shape& y) {
  const auto& p = c.attrs().Get<std::vector<int64_t>>("pool_size");
  return MakeGeometry(x, p[0], p[1], c.attrs(), y);
}

template <typename T>
struct MaxPool2D {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    T* py = c.output(0).data<T>();
    const T* px = x.data<T>();
    ForEachArgMax<T>(x, PoolGeometry(c, x.shape(), c.output(0).shape()),
                     [&](int64_t o, int64_t i) { py[o] = i < 0 ? T(0) : px[i]; });
  }
};

template <typename T>
struct MaxPool2DGrad {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    const Tensor& dy = c.input(1);
    T* pdx = c.output(0).data<T>();
    std::fill(pdx, pdx + c.output(0).num_elements(), T(0));
    const T* pdy = dy.data<T>();
    ForEachArgMax<T>(x, PoolGeometry(c, x.shape(), dy.shape()), [&](int64_t o, int64_t i) {
      if (i >= 0) pdx[i] += pdy[o];
    });
  }
};

// The pixels of output (oy, ox)'s pooling window that lie inside the image: rows [y0, y1),
// columns [x0, x1).
struct Span {
  int64_t y0, y1, x0, x1;
  int64_t count() const { return (y1 - y0) * (x1 - x0); }
};
Span Inside(const Geometry& g, int64_t oy, int64_t ox) {
  return {std::max<int64_t>(g.row(oy, 0), 0), std::min(g.row(oy, g.kh - 1) + 1, g.h),
          std::max<int64_t>(g.col(ox, 0), 0), std::min(g.col(ox, g.kw - 1) + 1, g.w)};
}

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
