#include "kernels/cpu/thread_pool.h"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "kernels/cpu/gemm.h"

namespace kiln::cpu {
namespace {

TEST(ThreadPool, RunsEveryPieceExactlyOnce) {
  ThreadPool pool(4);
  EXPECT_EQ(pool.num_threads(), 4);
  for (int64_t n : {1, 2, 3, 17, 1000}) {
    std::vector<std::atomic<int>> runs(n);
    pool.ParallelFor(n, [&](int64_t i) { runs[i].fetch_add(1); });
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(runs[i].load(), 1) << "piece " << i << " of " << n;
  }
}

TEST(ThreadPool, WorkersTakePieces) {
  ThreadPool pool(3);
  std::mutex m;
  std::set<std::thread::id> ids;
  // Pieces long enough that the workers, woken at the first, take some of the rest.
  pool.ParallelFor(64, [&](int64_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard<std::mutex> lock(m);
    ids.insert(std::this_thread::get_id());
  });
  EXPECT_GE(ids.size(), 2u);
}

// More pieces than one job word holds run in rounds.
TEST(ThreadPool, ManyPieces) {
  ThreadPool pool(2);
  const int64_t n = 200000;
  std::vector<char> seen(n, 0);
  pool.ParallelFor(n, [&](int64_t i) { seen[i] += 1; });
  int64_t once = 0;
  for (char c : seen) once += c == 1;
  EXPECT_EQ(once, n);
}

// A job from inside a piece, and jobs from several threads at once, run (on their callers) and
// finish: the pool runs one job at a time and never waits on itself.
TEST(ThreadPool, NestedAndConcurrentCallers) {
  ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  pool.ParallelFor(8,
                   [&](int64_t) { pool.ParallelFor(10, [&](int64_t i) { total.fetch_add(i); }); });
  EXPECT_EQ(total.load(), 8 * 45);
  total = 0;
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&] {
      for (int r = 0; r < 200; ++r) pool.ParallelFor(7, [&](int64_t i) { total.fetch_add(i); });
    });
  for (auto& c : callers) c.join();
  EXPECT_EQ(total.load(), 4 * 200 * 21);
}

TEST(ParallelRange, CoversTheRangeInOrderedPieces) {
  for (int64_t n : {0, 1, 5, 100, 1001}) {
    std::vector<std::atomic<int>> runs(n);
    ParallelRange(n, 7, [&](int64_t begin, int64_t end) {
      EXPECT_LT(begin, end);
      EXPECT_TRUE(end - begin >= 7 || end == n) << begin << ".." << end << " of " << n;
      for (int64_t i = begin; i < end; ++i) runs[i].fetch_add(1);
    });
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(runs[i].load(), 1);
  }
}

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
