#include "kernels/cpu/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

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

}  // namespace
}  // namespace kiln::cpu
