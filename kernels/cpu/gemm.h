// The CPU kernels' one matrix product: C = op(A) op(B) on row-major buffers, Eigen's GEMM on each
// block of C's rows (or columns), the blocks spread over the thread pool.
//
//   Gemm<float>(x, false, w, false, y, batch, units, inputs);      // y = x w
//   Gemm<float>(x, true, dy, false, dw, inputs, units, batch);     // dw = x^T dy
//
// Contract: A is m x k (k x m when ta), B is k x n (n x k when tb), C is m x n, all dense
// row-major, C not overlapping A or B; C is overwritten. Products below kParallelMacs
// multiply-adds run on the calling thread: their blocks would cost more to hand out than they
// save. Each block is a whole Eigen product, so the result does not depend on the thread count
// (the sums along k run in the same order).
#pragma once

#include <cstdint>

namespace kiln::cpu {

// 2 M: at batch 32 the tutorial MLP's two larger products (3.2 M and 4.2 M multiply-adds) split,
// and two threads take 0.88x one thread's epoch on a quiet machine (bench/compare_peers.sh).
inline constexpr int64_t kParallelMacs = int64_t{1} << 21;

template <typename T>
void Gemm(const T* a, bool ta, const T* b, bool tb, T* c, int64_t m, int64_t n, int64_t k);

}  // namespace kiln::cpu
