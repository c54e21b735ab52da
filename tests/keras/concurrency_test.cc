// What is safe from several threads, checked bit for bit against single-threaded runs (and run
// under ThreadSanitizer: bazel test --config=tsan //tests/keras:concurrency_test):
//  - predict / predict_all on one model from several threads at once (the calls take turns);
//  - two models trained in two threads at once;
//  - kiln::Runtime::Run on one Runtime from several threads at once.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "keras/keras.h"
#include "runtime/runtime.h"
#include "tests/testing/testing.h"

namespace kiln::keras {
namespace {

using ::kiln::testing::RandomTensor;

std::unique_ptr<Model> TwoOutputModel(uint64_t seed) {
  utils::set_random_seed(seed);
  KerasTensor x = Input({.shape = {6}, .name = "x"});
  KerasTensor h = layers::Dense(16, {.activation = "relu"})(x);
  return std::make_unique<Model>(
      ModelOptions{.inputs = {x},
                   .outputs = {layers::Dense(3, {.activation = "softmax", .name = "cls"})(h),
                               layers::Dense(1, {.name = "reg"})(h)}});
}

std::vector<Tensor> Batches(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Tensor> out;
  for (int i = 0; i < n; ++i) out.push_back(RandomTensor(kFloat32, {5 + i % 4, 6}, rng));
  return out;
}

// Runs work(t) in `threads` threads at once.
void InThreads(int threads, const std::function<void(int)>& work) {
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) ts.emplace_back(work, t);
  for (auto& t : ts) t.join();
}

TEST(Concurrency, PredictOnOneModelFromFourThreads) {
  auto m = TwoOutputModel(1);
  const std::vector<Tensor> xs = Batches(12, 2);
  std::vector<std::vector<Tensor>> want;
  for (const Tensor& x : xs) want.push_back(m->predict_all(x));
  std::vector<int> wrong(4, 0);
  InThreads(4, [&](int t) {
    for (int r = 0; r < 5; ++r)
      for (size_t i = 0; i < xs.size(); ++i) {
        const size_t k = (i + t * 5) % xs.size();
        const std::vector<Tensor> got = m->predict_all(xs[k]);
        wrong[t] += !got[0].BitwiseEquals(want[k][0]) || !got[1].BitwiseEquals(want[k][1]);
      }
  });
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST(Concurrency, TwoModelsTrainInTwoThreadsAsTheyDoAlone) {
  std::mt19937 rng(3);
  const Tensor x = RandomTensor(kFloat32, {64, 6}, rng);
  Tensor cls(kFloat32, {64, 3});
  for (int i = 0; i < 64; ++i) cls.data<float>()[i * 3 + (x.data<float>()[i * 6] > 0)] = 1;
  const Tensor reg = RandomTensor(kFloat32, {64, 1}, rng);
  auto train = [&](Model& m) {
    m.compile({.optimizer = optimizers::Adam({.learning_rate = 0.01}),
               .loss = {"categorical_crossentropy", "mse"}});
    m.fit(x, {cls, reg}, {.batch_size = 8, .epochs = 3, .verbose = 0, .shuffle = false});
    return m.get_weights();
  };
  std::vector<std::vector<Tensor>> alone;
  for (uint64_t seed : {10, 11}) alone.push_back(train(*TwoOutputModel(seed)));
  std::vector<std::unique_ptr<Model>> models;
  for (uint64_t seed : {10, 11}) models.push_back(TwoOutputModel(seed));
  std::vector<std::vector<Tensor>> together(2);
  InThreads(2, [&](int t) { together[t] = train(*models[t]); });
  for (int t = 0; t < 2; ++t)
    for (size_t i = 0; i < alone[t].size(); ++i)
      EXPECT_TRUE(together[t][i].BitwiseEquals(alone[t][i])) << "model " << t << " weight " << i;
}

TEST(Concurrency, RuntimeRunFromFourThreads) {
  auto m = TwoOutputModel(4);
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/two.kiln";
  m->export_graph(path);
  Runtime rt = Runtime::Load(path);
  const std::vector<Tensor> xs = Batches(8, 5);
  std::vector<std::vector<Tensor>> want;
  for (const Tensor& x : xs) want.push_back(rt.Run({x}));
  std::vector<int> wrong(4, 0);
  InThreads(4, [&](int t) {
    for (int r = 0; r < 5; ++r)
      for (size_t i = 0; i < xs.size(); ++i) {
        const size_t k = (i + t * 3) % xs.size();
        const std::vector<Tensor> got = rt.Run({xs[k]});
        wrong[t] += !got[0].BitwiseEquals(want[k][0]) || !got[1].BitwiseEquals(want[k][1]);
      }
  });
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace kiln::keras
