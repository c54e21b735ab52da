// GEMM throughput (Eigen, as Kiln's MatMul kernel calls it) at the tutorial MLP's exact shapes:
// the forward products and both backward products per layer, at batch 32 and 256. The FLOP floor
// per epoch is 60000/batch steps times the sum of 2*m*n*k over these products.
//   bazel run -c opt //bench:gemm -- --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <Eigen/Dense>

using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

static void Gemm(benchmark::State& state) {
  const int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  Mat a = Mat::Random(m, k), b = Mat::Random(k, n), c(m, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * m * n * k, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

// {m, k, n} of x·W, dZ·Wᵀ and xᵀ·dZ for each layer of 784-128-256-512-10 at one batch size.
static void MlpShapes(benchmark::internal::Benchmark* b) {
  const int64_t sizes[] = {784, 128, 256, 512, 10};
  for (int64_t batch : {32, 256})
    for (int l = 0; l < 4; ++l) {
      const int64_t in = sizes[l], out = sizes[l + 1];
      b->Args({batch, in, out});             // forward
      if (l > 0) b->Args({batch, out, in});  // input gradient (none for the first layer)
      b->Args({in, batch, out});             // weight gradient
    }
}
BENCHMARK(Gemm)->Apply(MlpShapes);
BENCHMARK_MAIN();
