// Helpers for the Eigen CPU kernels: flat Eigen views of tensors, numpy-broadcast index mapping,
// and the [outer, axis, inner] decomposition that reductions and softmax use.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <vector>

#include "kernels/kernel_registry.h"

namespace kiln::cpu {

template <typename T>
using Vec = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>, Eigen::Aligned64>;
template <typename T>
using ConstVec = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

template <typename T>
Vec<T> Flat(Tensor& t) {
  return Vec<T>(t.data<T>(), t.num_elements());
}
// Inputs may be views (row slices of a fed batch), so they are mapped without an alignment claim.
template <typename T>
ConstVec<T> Flat(const Tensor& t) {
  return ConstVec<T>(t.data<T>(), t.num_elements());
}

// Strides (in elements) for reading `in` broadcast to `out`'s shape: 0 along broadcast dimensions.
// `axes` places in's dimensions among out's (empty: right-aligned, as numpy).
std::vector<int64_t> BroadcastStrides(const Shape& in, const Shape& out,
                                      const std::vector<int64_t>& axes = {});

// Calls fn(out_index, offset_a, offset_b) for every element of `out` in row-major order.
template <typename Fn>
void ForEachBroadcast(const Shape& out, const std::vector<int64_t>& sa,
                      const std::vector<int64_t>& sb, Fn&& fn) {
  const int rank = out.rank();
  const int64_t n = out.NumElements();
  if (n == 0) return;
  std::vector<int64_t> idx(rank, 0);
  int64_t oa = 0, ob = 0;
  for (int64_t i = 0; i < n; ++i) {
    fn(i, oa, ob);
    for (int d = rank - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) {
        oa += sa[d];
        ob += sb[d];
        break;
      }
      oa -= sa[d] * (out[d] - 1);
      ob -= sb[d] * (out[d] - 1);
      idx[d] = 0;
    }
  }
}

// Elementwise binary op with numpy broadcasting, fast paths for equal shapes, scalars and a
// trailing-row operand (bias-like); the general case walks broadcast strides.
template <typename T, typename Out, typename F>
void BroadcastBinary(const Tensor& a, const Tensor& b, Tensor& out, F f) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  Out* po = out.data<Out>();
  const int64_t n = out.num_elements();
  const bool a_full = a.num_elements() == n, b_full = b.num_elements() == n;
  if (a_full && b_full) {
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
  } else if (a_full && b.num_elements() == 1) {
    const T v = pb[0];
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], v);
  } else if (b_full && a.num_elements() == 1) {
    const T v = pa[0];
    for (int64_t i = 0; i < n; ++i) po[i] = f(v, pb[i]);
  } else if (a_full && b.rank() >= 1 && out.rank() >= 1 && b.num_elements() == out.dim(-1) &&
             b.dim(-1) == out.dim(-1)) {
    const int64_t inner = b.num_elements();
    for (int64_t r = 0; r < n; r += inner)
      for (int64_t j = 0; j < inner; ++j) po[r + j] = f(pa[r + j], pb[j]);
  } else {
    auto sa = BroadcastStrides(a.shape(), out.shape());
    auto sb = BroadcastStrides(b.shape(), out.shape());
    ForEachBroadcast(out.shape(), sa, sb,
                     [&](int64_t i, int64_t oa, int64_t ob) { po[i] = f(pa[oa], pb[ob]); });
  }
}

// [outer, axis, inner] sizes around one axis.
struct AxisSplit {
  int64_t outer = 1, axis = 1, inner = 1;
};
AxisSplit SplitAt(const Shape& s, int axis);

// Reduces `in` over the dimensions where `keep[d]` is false into `out` (whose element count is the
// product of the kept dimensions), combining with `op` from `init`.
template <typename T, typename Op>
void Reduce(const Tensor& in, const std::vector<bool>& reduce, T init, Tensor& out, Op op) {
  const Shape& s = in.shape();
  const T* px = in.data<T>();
  T* po = out.data<T>();
  std::fill(po, po + out.num_elements(), init);
  // Contiguous reduced range [lo, hi]: the common cases (all axes, last axis, first axis).
  int lo = -1, hi = -1;
  bool contiguous = true;
  for (int d = 0; d < s.rank(); ++d) {
    if (!reduce[d]) continue;
    if (lo < 0)
      lo = d;
    else if (hi != d - 1)
      contiguous = false;
    hi = d;
  }
  if (lo < 0) {
    std::copy(px, px + in.num_elements(), po);
    return;
  }
  if (contiguous) {
    int64_t outer = 1, red = 1, inner = 1;
    for (int d = 0; d < s.rank(); ++d) (d < lo ? outer : d > hi ? inner : red) *= s[d];
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t r = 0; r < red; ++r) {
        const T* row = px + (o * red + r) * inner;
        T* acc = po + o * inner;
        for (int64_t i = 0; i < inner; ++i) acc[i] = op(acc[i], row[i]);
      }
    return;
  }
  std::vector<int64_t> out_strides(s.rank(), 0);
  int64_t stride = 1;
  for (int d = s.rank() - 1; d >= 0; --d) {
    if (reduce[d]) continue;
    out_strides[d] = stride;
    stride *= s[d];
  }
  std::vector<int64_t> unit(s.rank(), 0);
  ForEachBroadcast(s, out_strides, unit,
                   [&](int64_t i, int64_t o, int64_t) { po[o] = op(po[o], px[i]); });
}

template <template <typename> class K>
void RegisterFloatKernels(const std::string& op) {
  KernelRegistry::Global().Register({op, "cpu", kFloat32, K<float>::Run});
  KernelRegistry::Global().Register({op, "cpu", kFloat64, K<double>::Run});
}

}  // namespace kiln::cpu
