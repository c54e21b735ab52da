// Each loss and metric against hand-computed numbers, through evaluate() on a model whose output
// is its input (an Activation layer), so y_pred is exactly what the test feeds.
#include <gtest/gtest.h>

#include "keras/keras.h"
#include "keras/metrics.h"

namespace kiln::keras {
namespace {

std::vector<double> Evaluate(const char* activation, const std::string& loss,
                             std::vector<std::string> metrics, const Tensor& y_pred_in,
                             const Tensor& y_true) {
  const int64_t cols = y_pred_in.dim(1);
  Sequential m({layers::Activation(activation, {.input_shape = {cols}})});
  m.compile({.optimizer = "sgd", .loss = loss, .metrics = std::move(metrics)});
  return m.evaluate(y_pred_in, y_true, {.verbose = 0});
}

TEST(Losses, MeanSquaredError) {
  auto p = Tensor::FromVector<float>({1, 2, 3, 4}, {2, 2});
  auto t = Tensor::FromVector<float>({0, 2, 5, 4}, {2, 2});
  // rows: mean(1, 0) = 0.5, mean(4, 0) = 2 -> 1.25
  EXPECT_NEAR(Evaluate("linear", "mse", {}, p, t)[0], 1.25, 1e-6);
}

TEST(Losses, MeanAbsoluteErrorAndTheMaeMetric) {
  auto p = Tensor::FromVector<float>({1, 2, 3, -4}, {2, 2});
  auto t = Tensor::FromVector<float>({0, 2.5f, 5, 4}, {2, 2});
  // rows: mean(1, 0.5) = 0.75, mean(2, 8) = 5 -> 2.875
  for (const char* name : {"mae", "mean_absolute_error"}) {
    const std::vector<double> r = Evaluate("linear", name, {"mae", "mse"}, p, t);
    EXPECT_NEAR(r[0], 2.875, 1e-6) << name;
    EXPECT_NEAR(r[1], 2.875, 1e-6) << name;
    EXPECT_NEAR(r[2], (1 + 0.25 + 4 + 64) / 4.0, 1e-6) << name;
  }
}

TEST(Losses, CategoricalCrossentropyClippedPath) {
  // A linear output is not a Softmax: Keras normalises, clips to [1e-7, 1-1e-7] and takes -sum(y
  // log p).
  auto p = Tensor::FromVector<float>({0.2f, 0.6f, 0.2f, 0.f, 1.f, 0.f}, {2, 3});
  auto t = Tensor::FromVector<float>({0, 1, 0, 1, 0, 0}, {2, 3});
  double want = (-std::log(0.6) - std::log(1e-7)) / 2;
  EXPECT_NEAR(Evaluate("linear", "categorical_crossentropy", {}, p, t)[0], want, 1e-4);
}

TEST(Losses, CategoricalCrossentropyFusedFromLogits) {
  auto logits = Tensor::FromVector<float>({1, 2, 3, 30, 0, -30}, {2, 3});
  auto t = Tensor::FromVector<float>({0, 0, 1, 0, 1, 0}, {2, 3});
  double lse0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  // Row 2: the true class's probability is e^-30 / ~1: the fused path keeps the exact 30, where
  // clipping would cap the loss at -log(1e-7) = 16.1.
  double want = ((lse0 - 3) + 30.0) / 2;
  EXPECT_NEAR(Evaluate("softmax", "categorical_crossentropy", {}, logits, t)[0], want, 1e-4);
}

TEST(Losses, BinaryCrossentropyBothPaths) {
  auto p = Tensor::FromVector<float>({0.9f, 0.2f, 1.0f, 0.0f}, {4, 1});
  auto t = Tensor::FromVector<float>({1, 0, 0, 1}, {4, 1});
  // In float32, as Keras computes it: 1 - 1e-7 rounds to 1 - 2^-23.
  const float e = 1e-7f;
  auto term = [&](float y, float q) {
    q = std::min(std::max(q, e), 1 - e);
    return -(y * std::log(q + e) + (1 - y) * std::log(1 - q + e));
  };
  double want = (term(1, 0.9f) + term(0, 0.2f) + term(0, 1.0f) + term(1, 0.0f)) / 4;
  EXPECT_NEAR(Evaluate("linear", "binary_crossentropy", {}, p, t)[0], want, 1e-4);
  auto logits = Tensor::FromVector<float>({2, -1}, {2, 1});
  auto t2 = Tensor::FromVector<float>({1, 1}, {2, 1});
  double want2 = (std::log1p(std::exp(-2.0)) + std::log1p(std::exp(1.0))) / 2;
  EXPECT_NEAR(Evaluate("sigmoid", "binary_crossentropy", {}, logits, t2)[0], want2, 1e-6);
}

TEST(Losses, SparseCategoricalMatchesOneHot) {
  auto logits = Tensor::FromVector<float>({1, 2, 3, 0, 5, 1}, {2, 3});
  auto ids = Tensor::FromVector<int32_t>({2, 1}, {2});
  auto one_hot = utils::to_categorical(ids, 3);
  double sparse =
      Evaluate("softmax", "sparse_categorical_crossentropy", {"accuracy"}, logits, ids)[0];
  double dense = Evaluate("softmax", "categorical_crossentropy", {}, logits, one_hot)[0];
  EXPECT_NEAR(sparse, dense, 1e-6);
}

TEST(Metrics, AccuracyResolvesLikeKeras) {
  auto p =
      Tensor::FromVector<float>({0.1f, 0.7f, 0.2f, 0.5f, 0.3f, 0.2f, 0.3f, 0.3f, 0.4f}, {3, 3});
  auto t = Tensor::FromVector<float>({0, 1, 0, 0, 0, 1, 0, 0, 1}, {3, 3});
  // categorical: argmax hits rows 0 and 2.
  EXPECT_NEAR(Evaluate("linear", "categorical_crossentropy", {"accuracy"}, p, t)[1], 2.0 / 3, 1e-6);
  auto ids = Tensor::FromVector<float>({1, 2, 2}, {3});
  EXPECT_NEAR(Evaluate("linear", "sparse_categorical_crossentropy", {"acc"}, p, ids)[1], 2.0 / 3,
              1e-6);
  // binary: threshold 0.5, strictly greater (0.5 counts as 0).
  auto bp = Tensor::FromVector<float>({0.9f, 0.5f, 0.51f, 0.1f}, {4, 1});
  auto bt = Tensor::FromVector<float>({1, 1, 1, 1}, {4, 1});
  EXPECT_NEAR(Evaluate("linear", "binary_crossentropy", {"accuracy"}, bp, bt)[1], 0.5, 1e-6);
  EXPECT_NEAR(Evaluate("linear", "mse", {"mse"}, bp, bt)[1], (0.01 + 0.25 + 0.2401 + 0.81) / 4,
              1e-6);
}

// tf.keras's .h5 loader resolves "accuracy" from the outputs alone (binary for one unit, else
// categorical); where Kiln resolves it otherwise, the concrete name is what gets saved.
TEST(Metrics, SavedNamesAreResolvedWhereKerasWouldDiffer) {
  const Shape ten{kUnknownDim, 10}, one{kUnknownDim, 1}, three{kUnknownDim, 3};
  EXPECT_EQ(metrics::Saved("accuracy", "sparse_categorical_crossentropy", ten, false),
            "sparse_categorical_accuracy");
  EXPECT_EQ(metrics::Saved("acc", "binary_crossentropy", three, false), "binary_accuracy");
  EXPECT_EQ(metrics::Saved("accuracy", "categorical_crossentropy", ten, false), "accuracy");
  EXPECT_EQ(metrics::Saved("accuracy", "binary_crossentropy", one, false), "accuracy");
  EXPECT_EQ(metrics::Saved("accuracy", "mse", one, false), "accuracy");
  EXPECT_EQ(metrics::Saved("mse", "sparse_categorical_crossentropy", ten, false), "mse");
}

TEST(Utils, ToCategorical) {
  auto y = utils::to_categorical(Tensor::FromVector<uint8_t>({0, 2, 1}, {3}), 3);
  EXPECT_EQ(y.shape(), (Shape{3, 3}));
  EXPECT_EQ(y.ToVector<float>(), (std::vector<float>{1, 0, 0, 0, 0, 1, 0, 1, 0}));
  EXPECT_EQ(utils::to_categorical(Tensor::FromVector<int32_t>({3}, {1})).shape(), (Shape{1, 4}));
  EXPECT_THROW(utils::to_categorical(Tensor::FromVector<int32_t>({0, 10}, {2}), 10), ValueError);
  EXPECT_THROW(utils::to_categorical(Tensor::FromVector<int32_t>({-1}, {1}), 10), ValueError);
}

TEST(Utils, ArrayReprLikeNumpy) {
  EXPECT_EQ(utils::ArrayRepr(Tensor::FromVector<float>({1.996118f, 3.0239758f}, {2, 1})),
            "array([[1.996118 ],\n       [3.0239758]], dtype=float32)");
  EXPECT_EQ(utils::ArrayRepr(Tensor::FromVector<float>({3.963116f}, {1})),
            "array([3.963116], dtype=float32)");
  EXPECT_EQ(utils::ArrayRepr(Tensor::FromVector<float>({-4.f, 1.5f}, {2})),
            "array([-4. ,  1.5], dtype=float32)");
}

// Stateful metrics are ratios of totals over the whole evaluation, not means of per-batch
// ratios: the batch size does not change them.
TEST(Metrics, StatefulOnesAddUpAcrossBatches) {
  auto p = Tensor::FromVector<float>({0.9f, 0.8f, 0.2f, 0.7f, 0.1f, 0.6f}, {6, 1});
  auto t = Tensor::FromVector<float>({1, 0, 1, 1, 0, 0}, {6, 1});
  Sequential m({layers::Activation("linear", {.input_shape = {1}})});
  m.compile({.optimizer = "sgd", .loss = "mse", .metrics = {"precision", "recall", "auc"}});
  const std::vector<double> all = m.evaluate(p, t, {.batch_size = 6, .verbose = 0});
  const std::vector<double> pairs = m.evaluate(p, t, {.batch_size = 2, .verbose = 0});
  // Predicted positive: 0.9, 0.8, 0.7, 0.6 -> tp 2 (0.9, 0.7), fp 2; fn 1 (0.2).
  EXPECT_NEAR(all[1], 0.5, 1e-7);
  EXPECT_NEAR(all[2], 2.0 / 3, 1e-7);
  // ROC AUC: of the 9 (positive, negative) pairs, the positive scores higher in 6.
  EXPECT_NEAR(all[3], 6.0 / 9, 1e-6);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_DOUBLE_EQ(pairs[i], all[i]) << i;
  EXPECT_EQ(m.metrics_names(), (std::vector<std::string>{"loss", "precision", "recall", "auc"}));
}

}  // namespace
}  // namespace kiln::keras
