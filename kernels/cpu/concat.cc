// Copies: Concat, Slice and Slice's gradient see their tensors as [outer, axis, inner] blocks, so
// every copy is a contiguous run of axis * inner elements; Pad copies x's innermost rows into a
// zeroed output.
#include <algorithm>

#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

int AxisOf(const KernelContext& c, int rank) {
  const int64_t axis = c.attrs().Get<int64_t>("axis");
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

template <typename T>
struct Concat {
  static void Run(KernelContext& c) {
    Tensor& out = c.output(0);
    const int axis = AxisOf(c, out.rank());
    const AxisSplit o = SplitAt(out.shape(), axis);
    T* po = out.data<T>();
    int64_t offset = 0;  // of the current input's block within an output row
    for (const Tensor* in : c.inputs) {
      const int64_t run = in->dim(axis) * o.inner;
      const T* pi = in->data<T>();
      for (int64_t r = 0; r < o.outer; ++r)
        std::copy(pi + r * run, pi + (r + 1) * run, po + r * o.axis * o.inner + offset);
      offset += run;
    }
  }
};

template <typename T>
struct Slice {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    Tensor& out = c.output(0);
    const int axis = AxisOf(c, x.rank());
    const AxisSplit s = SplitAt(x.shape(), axis);
    const int64_t begin = c.attrs().Get<int64_t>("begin") * s.inner;
    const int64_t run = out.dim(axis) * s.inner;
    const T* px = x.data<T>();
    T* po = out.data<T>();
    for (int64_t r = 0; r < s.outer; ++r) {
      const T* src = px + r * s.axis * s.inner + begin;
      std::copy(src, src + run, po + r * run);
    }
  }
};

template <typename T>
struct SliceGrad {
  static void Run(KernelContext& c) {
    const Tensor& dy = c.input(0);
    Tensor& out = c.output(0);
    const int axis = AxisOf(c, out.rank());
    const AxisSplit s = SplitAt(out.shape(), axis);
    const int64_t begin = c.attrs().Get<int64_t>("begin") * s.inner;
    const int64_t run = dy.dim(axis) * s.inner;
    const T* pd = dy.data<T>();
    T* po = out.data<T>();
    std::fill(po, po + out.num_elements(), T{});
    for (int64_t r = 0; r < s.outer; ++r)
      std::copy(pd + r * run, pd + (r + 1) * run, po + r * s.axis * s.inner + begin);
  }
};

template <typename T>
struct Pad {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    Tensor& out = c.output(0);
    const auto& p = c.attrs().Get<std::vector<int64_t>>("paddings");
    T* po = out.data<T>();
    std::fill(po, po + out.num_elements(), T{});
    const int rank = x.rank();
    if (x.num_elements() == 0) return;
    if (rank == 0) {
      po[0] = x.data<T>()[0];
      return;
    }
    std::vector<int64_t> ostride(rank, 1);
    for (int d = rank - 2; d >= 0; --d) ostride[d] = ostride[d + 1] * out.dim(d + 1);
    const int64_t row = x.dim(rank - 1), rows = x.num_elements() / row;
    std::vector<int64_t> idx(rank, 0);  // of the current row's first element
    const T* px = x.data<T>();
    for (int64_t r = 0; r < rows; ++r, px += row) {
      int64_t at = p[2 * (rank - 1)];
      for (int d = 0; d < rank - 1; ++d) at += (idx[d] + p[2 * d]) * ostride[d];
      std::copy(px, px + row, po + at);
      for (int d = rank - 2; d >= 0 && ++idx[d] == x.dim(d); --d) idx[d] = 0;
    }
  }
};

const bool registered = [] {
  auto& r = KernelRegistry::Global();
  for (DType t : kAllDTypes) {
    DispatchDType(t, [&](auto tag) {
      using T = decltype(tag);
      r.Register({"Concat", "cpu", t, Concat<T>::Run});
      r.Register({"Slice", "cpu", t, Slice<T>::Run});
      r.Register({"SliceGrad", "cpu", t, SliceGrad<T>::Run});
      r.Register({"Pad", "cpu", t, Pad<T>::Run});
    });
  }
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
