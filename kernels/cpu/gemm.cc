#include "kernels/cpu/gemm.h"

#include <Eigen/Dense>
#include <algorithm>

#include "kernels/cpu/thread_pool.h"

namespace kiln::cpu {
namespace {

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using View = Eigen::Map<const Mat<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using Out = Eigen::Map<Mat<T>, 0, Eigen::OuterStride<>>;

// C[r0:r0+rows, c0:c0+cols] = op(A)[r0:r0+rows, :] op(B)[:, c0:c0+cols].
template <typename T>
void Block(const T* a, bool ta, const T* b, bool tb, T* c, int64_t m, int64_t n, int64_t k,
           int64_t r0, int64_t rows, int64_t c0, int64_t cols) {
  Out<T> C(c + r0 * n + c0, rows, cols, Eigen::OuterStride<>(n));
  // op(A)'s rows as stored: A is m x k, or k x m transposed.
  auto with_a = [&](auto&& fn) {
    if (ta) return fn(View<T>(a + r0, k, rows, Eigen::OuterStride<>(m)).transpose());
    return fn(View<T>(a + r0 * k, rows, k, Eigen::OuterStride<>(k)));
  };
  // op(B)'s columns: B is k x n, or n x k transposed.
  auto with_b = [&](auto&& fn) {
    if (tb) return fn(View<T>(b + c0 * k, cols, k, Eigen::OuterStride<>(k)).transpose());
    return fn(View<T>(b + c0, k, cols, Eigen::OuterStride<>(n)));
  };
  with_a([&](const auto& A) { with_b([&](const auto& B) { C.noalias() = A * B; }); });
}

}  // namespace

template <typename T>
void Gemm(const T* a, bool ta, const T* b, bool tb, T* c, int64_t m, int64_t n, int64_t k) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(c, c + m * n, T(0));
    return;
  }
  ThreadPool& pool = ThreadPool::Global();
  const int64_t macs = m * n * k, threads = pool.num_threads();
  // Split the longer side of C into blocks of whole multiples of 16 (Eigen's register tiles),
  // several per thread so that a thread that is descheduled holds back little of the product.
  const bool by_rows = m >= n;
  const int64_t side = by_rows ? m : n;
  const int64_t pieces = std::min({threads * 4, side / 16, macs / (kParallelMacs / 4)});
  if (threads == 1 || macs < kParallelMacs || pieces < 2) {
    Block(a, ta, b, tb, c, m, n, k, 0, m, 0, n);
    return;
  }
  const int64_t step = ((side + pieces - 1) / pieces + 15) & ~int64_t{15};
  const int64_t count = (side + step - 1) / step;
  pool.ParallelFor(count, [&](int64_t i) {
    const int64_t begin = i * step, len = std::min(step, side - begin);
    if (by_rows)
      Block(a, ta, b, tb, c, m, n, k, begin, len, 0, n);
    else
      Block(a, ta, b, tb, c, m, n, k, 0, m, begin, len);
  });
}

template void Gemm<float>(const float*, bool, const float*, bool, float*, int64_t, int64_t,
                          int64_t);
template void Gemm<double>(const double*, bool, const double*, bool, double*, int64_t, int64_t,
                           int64_t);

}  // namespace kiln::cpu
