// The CPU kernels' threads: one process-wide pool of persistent workers that the calling thread
// joins, with work handed out a piece at a time.
//
//   ThreadPool& pool = ThreadPool::Global();
//   pool.ParallelFor(pieces, [&](int64_t i) { Compute(piece i); });   // returns when all ran
//   ParallelRange(images, grain, [&](int64_t begin, int64_t end) { ... });
//
// Contract:
// - num_threads() counts the caller: KILN_NUM_THREADS, else OMP_NUM_THREADS, else the CPUs this
//   process may run on (its affinity mask), read once when the pool is first used.
// - ParallelFor runs fn(i) exactly once for every i in [0, n) and returns after the last one has
//   finished; fn must not throw. The caller takes pieces too, so a worker the OS does not schedule
//   (another process on its core) leaves its share to the caller instead of stalling the job; only
//   a piece already started waits for its worker. That is the difference from OpenMP's static
//   split, whose join waits for every thread (issue 15: 4.5x slower on two threads than one with
//   the other core busy).
// - Idle workers spin briefly, then sleep on a condition variable, so a pool between jobs costs
//   the machine nothing.
// - One job at a time: a ParallelFor from another thread while a job runs (two models predicting
//   at once), or from inside fn, runs all of its pieces on its own caller.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kiln::cpu {

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The process's pool (like the kernel registry, the one piece of process-wide state here).
  static ThreadPool& Global();

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  void ParallelFor(int64_t n, const std::function<void(int64_t)>& fn);

 private:
  // The job word: generation (32 bits), piece count (16), next piece (16). Taking a piece is one
  // compare-and-swap on it, so a worker that wakes late cannot take a piece of a newer job.
  static constexpr int kPieceBits = 16;
  static constexpr int64_t kMaxPieces = (int64_t{1} << kPieceBits) - 1;

  void Work();
  // Runs pieces of generation `gen` until none is left; returns how many it ran.
  int64_t RunPieces(uint32_t gen);

  std::vector<std::thread> workers_;
  std::mutex job_mutex_;  // held by the one caller whose job runs
  std::atomic<uint64_t> job_{0};
  std::atomic<int64_t> done_{0};
  const std::function<void(int64_t)>* fn_ = nullptr;

  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
};

// fn(begin, end) over consecutive ranges that cover [0, n), each at least `grain` long (but the
// last), on the global pool: up to four ranges per thread, one range when n < 2 * grain.
void ParallelRange(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace kiln::cpu
