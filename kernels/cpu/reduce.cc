// Reductions (ReduceSum, ReduceMean, ReduceMax, ArgMax) and the broadcast pair that carries
// gradients between a value and its broadcast form (BroadcastToShapeOf, SumToShapeOf).
#include <limits>

#include "kernels/cpu/cpu_util.h"

namespace kiln::cpu {
namespace {

std::vector<bool> ReducedDims(const KernelContext& c, int rank) {
  auto axes = c.attrs().Get<std::vector<int64_t>>("axes");
  std::vector<bool> reduce(rank, axes.empty());
  for (int64_t a : axes) reduce[a < 0 ? a + rank : a] = true;
  return reduce;
}

template <typename T>
void Scale(Tensor& t, double factor) {
  T* p = t.data<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = static_cast<T>(p[i] * factor);
}

template <typename T>
struct ReduceSum {
  static void Run(KernelContext& c) {
    Reduce<T>(c.input(0), ReducedDims(c, c.input(0).rank()), T(0), c.output(0),
              [](T a, T b) { return static_cast<T>(a + b); });
  }
};

template <typename T>
struct ReduceMean {
  static void Run(KernelContext& c) {
    ReduceSum<T>::Run(c);
    const int64_t n = c.input(0).num_elements(), m = c.output(0).num_elements();
    if (m > 0 && n > 0) Scale<T>(c.output(0), static_cast<double>(m) / static_cast<double>(n));
    // An empty reduction is NaN, as numpy's mean of nothing.
    if (n == 0) Flat<T>(c.output(0)).setConstant(std::numeric_limits<T>::quiet_NaN());
  }
};

template <typename T>
struct ReduceMax {
  static void Run(KernelContext& c) {
    Reduce<T>(c.input(0), ReducedDims(c, c.input(0).rank()), std::numeric_limits<T>::lowest(),
              c.output(0), [](T a, T b) { return a >= b ? a : b; });
  }
};

template <typename T>
struct ArgMax {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    int64_t axis = c.attrs().Get<int64_t>("axis");
    if (axis < 0) axis += x.rank();
    AxisSplit s = SplitAt(x.shape(), static_cast<int>(axis));
    const T* px = x.data<T>();
    int64_t* po = c.output(0).data<int64_t>();
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t i = 0; i < s.inner; ++i) {
        int64_t best = 0;
        for (int64_t k = 1; k < s.axis; ++k)
          if (px[(o * s.axis + k) * s.inner + i] > px[(o * s.axis + best) * s.inner + i]) best = k;
        po[o * s.inner + i] = best;
      }
  }
};

// Where `small` sits inside `big` (see ops/broadcast_common.h): the dims of big it is summed over.
std::vector<bool> BroadcastDims(const Shape& small, const Shape& big,
                                const std::vector<int64_t>& axes) {
  auto strides = BroadcastStrides(small, big, axes);
  std::vector<bool> reduce(big.rank());
  for (int d = 0; d < big.rank(); ++d) reduce[d] = strides[d] == 0 && big[d] != 1;
  return reduce;
}

void CheckRunTimeBroadcast(const KernelContext& c, const Shape& small, const Shape& big) {
  auto axes = c.attrs().Get<std::vector<int64_t>>("axes");
  bool ok = small.rank() <= big.rank() &&
            (axes.empty() || small.rank() + static_cast<int>(axes.size()) == big.rank());
  if (ok) {
    auto strides = BroadcastStrides(small, big, axes);
    int64_t n = 1;
    for (int d = 0; d < big.rank(); ++d)
      if (strides[d] != 0) n *= big[d];
    ok = n == small.NumElements();
  }
  if (!ok)
    throw ShapeError(c.node.op + " (node '" + c.node.name + "'): " + small.ToString() +
                     " does not broadcast to " + big.ToString());
}

template <typename T>
struct SumToShapeOf {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    Tensor& out = c.output(0);
    CheckRunTimeBroadcast(c, out.shape(), x.shape());
    auto axes = c.attrs().Get<std::vector<int64_t>>("axes");
    Reduce<T>(x, BroadcastDims(out.shape(), x.shape(), axes), T(0), out,
              [](T a, T b) { return static_cast<T>(a + b); });
    if (c.attrs().Get<bool>("mean") && out.num_elements() > 0)
      Scale<T>(out,
               static_cast<double>(out.num_elements()) / static_cast<double>(x.num_elements()));
  }
};

template <typename T>
struct BroadcastToShapeOf {
  static void Run(KernelContext& c) {
    const Tensor& x = c.input(0);
    Tensor& out = c.output(0);
    CheckRunTimeBroadcast(c, x.shape(), out.shape());
    auto axes = c.attrs().Get<std::vector<int64_t>>("axes");
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const int64_t n = out.num_elements(), m = x.num_elements();
    const T scale =
        c.attrs().Get<bool>("mean") && n > 0 ? static_cast<T>(double(m) / double(n)) : T(1);
    auto strides = BroadcastStrides(x.shape(), out.shape(), axes);
    if (m == 1) {
      std::fill(po, po + n, static_cast<T>(px[0] * scale));
      return;
    }
    std::vector<int64_t> unit(out.rank(), 0);
    ForEachBroadcast(out.shape(), strides, unit,
                     [&](int64_t i, int64_t o, int64_t) { po[i] = static_cast<T>(px[o] * scale); });
  }
};

template <typename T>
void RegisterNumeric() {
  auto& r = KernelRegistry::Global();
  r.Register({"ReduceSum", "cpu", DTypeOf<T>(), ReduceSum<T>::Run});
  r.Register({"ReduceMax", "cpu", DTypeOf<T>(), ReduceMax<T>::Run});
  r.Register({"ArgMax", "cpu", DTypeOf<T>(), ArgMax<T>::Run});
  r.Register({"SumToShapeOf", "cpu", DTypeOf<T>(), SumToShapeOf<T>::Run});
  r.Register({"BroadcastToShapeOf", "cpu", DTypeOf<T>(), BroadcastToShapeOf<T>::Run});
}

const bool registered = [] {
  RegisterNumeric<float>();
  RegisterNumeric<double>();
  RegisterNumeric<int32_t>();
  RegisterNumeric<int64_t>();
  RegisterNumeric<uint8_t>();
  RegisterFloatKernels<ReduceMean>("ReduceMean");
  return true;
}();

}  // namespace
}  // namespace kiln::cpu
