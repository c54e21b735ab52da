#include "kernels/cpu/thread_pool.h"

#include <sched.h>

#include <cstdlib>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace kiln::cpu {
namespace {

constexpr uint32_t Gen(uint64_t job) { return static_cast<uint32_t>(job >> 32); }
constexpr int64_t Count(uint64_t job) { return static_cast<int64_t>((job >> 16) & 0xffff); }
constexpr int64_t Next(uint64_t job) { return static_cast<int64_t>(job & 0xffff); }

void Pause() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

// Some tens of microseconds of pause instructions: long enough to catch the next GEMM of a
// training step without a futex wake, short enough not to matter to another process on the core.
constexpr int kSpins = 2000;

int ThreadsFromEnvironment() {
  for (const char* name : {"KILN_NUM_THREADS", "OMP_NUM_THREADS"}) {
    if (const char* v = std::getenv(name)) {
      char* end = nullptr;
      const long n = std::strtol(v, &end, 10);
      if (end != v && n >= 1) return static_cast<int>(std::min(n, 256L));
    }
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

ThreadPool::ThreadPool(int num_threads) {
  for (int i = 1; i < num_threads; ++i) workers_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(sleep_mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

ThreadPool& ThreadPool::Global() {
  static ThreadPool pool(ThreadsFromEnvironment());
  return pool;
}

int64_t ThreadPool::RunPieces(uint32_t gen) {
  int64_t ran = 0;
  uint64_t job = job_.load(std::memory_order_acquire);
  while (Gen(job) == gen && Next(job) < Count(job)) {
    if (!job_.compare_exchange_weak(job, job + 1, std::memory_order_acq_rel,
                                    std::memory_order_acquire))
      continue;
    // fn_ belongs to this generation: the caller wrote it before publishing the job and cannot
    // replace it before this piece is counted done.
    (*fn_)(Next(job));
    ++ran;
    done_.fetch_add(1, std::memory_order_release);
    job = job_.load(std::memory_order_acquire);
  }
  return ran;
}

void ThreadPool::Work() {
  uint32_t seen = 0;
  while (true) {
    uint64_t job = job_.load(std::memory_order_acquire);
    for (int i = 0; i < kSpins && Gen(job) == seen && !stop_.load(std::memory_order_relaxed); ++i) {
      Pause();
      job = job_.load(std::memory_order_acquire);
    }
    if (Gen(job) == seen) {
      std::unique_lock<std::mutex> lock(sleep_mutex_);
      // Counted before the job word is read again (both sequentially consistent), so a caller
      // that publishes after this read sees a sleeper and wakes it.
      sleepers_.fetch_add(1);
      wake_.wait(lock, [&] { return stop_ || Gen(job_.load()) != seen; });
      sleepers_.fetch_sub(1);
      if (stop_) return;
      job = job_.load(std::memory_order_acquire);
    }
    if (stop_) return;
    seen = Gen(job);
    RunPieces(seen);
  }
}

void ThreadPool::ParallelFor(int64_t n, const std::function<void(int64_t)>& fn) {
  if (n <= 0) return;
  std::unique_lock<std::mutex> lock(job_mutex_, std::try_to_lock);
  if (workers_.empty() || n == 1 || !lock.owns_lock()) {
    for (int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  // More pieces than the word holds are run in rounds.
  for (int64_t first = 0; first < n; first += kMaxPieces) {
    const int64_t count = std::min(kMaxPieces, n - first);
    const std::function<void(int64_t)> piece = [&](int64_t i) { fn(first + i); };
    fn_ = &piece;
    done_.store(0, std::memory_order_relaxed);
    const uint32_t gen = Gen(job_.load()) + 1;
    job_.store((uint64_t{gen} << 32) | (static_cast<uint64_t>(count) << 16));
    if (sleepers_.load() > 0) {
      std::lock_guard<std::mutex> wake_lock(sleep_mutex_);
      wake_.notify_all();
    }
    RunPieces(gen);
    // Only pieces that workers have started are left; wait for them.
    for (int spins = 0; done_.load(std::memory_order_acquire) < count; ++spins) {
      if (spins < kSpins)
        Pause();
      else
        std::this_thread::yield();
    }
  }
}

void ParallelRange(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  ThreadPool& pool = ThreadPool::Global();
  const int64_t pieces = std::min<int64_t>(pool.num_threads() * 4, n / std::max<int64_t>(grain, 1));
  if (pieces < 2) {
    if (n > 0) fn(0, n);
    return;
  }
  const int64_t step = (n + pieces - 1) / pieces;
  pool.ParallelFor((n + step - 1) / step,
                   [&](int64_t i) { fn(i * step, std::min(n, (i + 1) * step)); });
}

}  // namespace kiln::cpu
