#include "kernels/cpu/gemm.h"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <vector>

#include "kernels/cpu/thread_pool.h"

namespace kiln::cpu {
namespace {

// Gemm splits C into blocks on the global pool (this test runs with KILN_NUM_THREADS=4). Every
// block is one Eigen product over the whole k, so the threaded result equals the one-block
// product bit for bit: the thread count does not change a model's numbers.
TEST(Gemm, ThreadedBlocksEqualOneProduct) {
  ASSERT_EQ(ThreadPool::Global().num_threads(), 4);
  const int64_t m = 321, n = 97, k = 150;  // 4.7 M multiply-adds: above kParallelMacs
  ASSERT_GE(m * n * k, kParallelMacs);
  std::vector<float> a(m * k), b(k * n), c(m * n), at(k * m), bt(n * k);
  uint32_t state = 12345;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) / 4294967296.0f - 0.5f; };
  for (auto& v : a) v = next();
  for (auto& v : b) v = next();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < k; ++j) at[j * m + i] = a[i * k + j];
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j) bt[j * k + i] = b[i * n + j];
  std::vector<double> ref(m * n, 0.0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < k; ++p)
      for (int64_t j = 0; j < n; ++j) ref[i * n + j] += double(a[i * k + p]) * b[p * n + j];
  std::vector<float> first;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      std::fill(c.begin(), c.end(), 0.0f);
      Gemm(ta ? at.data() : a.data(), ta, tb ? bt.data() : b.data(), tb, c.data(), m, n, k);
      for (int64_t i = 0; i < m * n; ++i)
        ASSERT_NEAR(c[i], ref[i], 1e-4) << "ta " << ta << " tb " << tb << " at " << i;
      if (first.empty()) first = c;
    }
  // The same product as one Eigen call on this thread.
  using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Mat serial = Eigen::Map<const Mat>(a.data(), m, k) * Eigen::Map<const Mat>(b.data(), k, n);
  EXPECT_EQ(std::vector<float>(serial.data(), serial.data() + m * n), first);
}

TEST(Gemm, EmptyInnerDimensionGivesZeros) {
  std::vector<float> c(6, 7.0f);
  Gemm<float>(nullptr, false, nullptr, false, c.data(), 2, 3, 0);
  EXPECT_EQ(c, std::vector<float>(6, 0.0f));
}

}  // namespace
}  // namespace kiln::cpu
