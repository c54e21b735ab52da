// Kiln's metrics by name against real Keras's stateful metrics
// (tests/fixtures/keras/gen/metrics.json, written by scripts/keras_fixtures/make_metric_values.py):
// two batches through the same accumulator must give Keras's result after the first, after both
// (the running value: ratios of totals, not means of ratios), and for the second alone after a
// reset. Cases whose Keras config is not the class's defaults (thresholds, class_id, top_k, k,
// other AUC curves, F1 averages, IoU) are what Kiln does not offer by name yet, and are listed.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "keras/keras.h"
#include "keras/metrics.h"
#include "kernels/executor.h"
#include "tests/testing/testing.h"

namespace kiln::keras::metrics {
namespace {

using ::kiln::testing::ReadJsonFixture;
using ::kiln::testing::TensorFromNested;
using nlohmann::json;

const json& Cases() {
  static const json j = ReadJsonFixture("tests/fixtures/keras/gen/metrics.json")["cases"];
  return j;
}

// The Kiln name for a Keras metric class with its default config; "" when the config is not the
// defaults.
std::string KilnName(const json& metric) {
  static const std::map<std::string, std::string> kNames = {
      {"BinaryAccuracy", "binary_accuracy"},
      {"CategoricalAccuracy", "categorical_accuracy"},
      {"SparseCategoricalAccuracy", "sparse_categorical_accuracy"},
      {"Precision", "precision"},
      {"Recall", "recall"},
      {"TruePositives", "true_positives"},
      {"FalsePositives", "false_positives"},
      {"TrueNegatives", "true_negatives"},
      {"FalseNegatives", "false_negatives"},
      {"AUC", "auc"},
      {"MeanSquaredError", "mse"},
      {"MeanAbsoluteError", "mae"},
      {"RootMeanSquaredError", "rmse"},
      {"MeanAbsolutePercentageError", "mape"},
      {"MeanSquaredLogarithmicError", "msle"},
      {"CosineSimilarity", "cosine_similarity"},
      {"LogCoshError", "log_cosh"},
      {"R2Score", "r2_score"},
      {"Poisson", "poisson"},
      {"KLDivergence", "kl_divergence"},
      {"BinaryCrossentropy", "binary_crossentropy"},
      {"CategoricalCrossentropy", "categorical_crossentropy"},
      {"SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"},
      {"Hinge", "hinge"},
      {"SquaredHinge", "squared_hinge"},
      {"CategoricalHinge", "categorical_hinge"}};
  auto it = kNames.find(metric["class_name"]);
  if (it == kNames.end()) return "";
  const json& c = metric["config"];
  const json defaults = {{"threshold", 0.5},      {"thresholds", nullptr},
                         {"top_k", nullptr},      {"class_id", nullptr},
                         {"num_thresholds", 200}, {"curve", "ROC"},
                         {"multi_label", false},  {"from_logits", false},
                         {"label_smoothing", 0},  {"class_aggregation", "uniform_average"}};
  for (const auto& [key, value] : defaults.items())
    if (c.contains(key) && c[key] != value) return "";
  return it->second;
}

class KerasMetric : public ::testing::TestWithParam<int> {};

TEST_P(KerasMetric, SameRunningResults) {
  const json& c = Cases()[GetParam()];
  const std::string name = KilnName(c["metric"]);
  if (name.empty()) GTEST_SKIP() << "not offered by name: " << c["metric"].dump();
  SCOPED_TRACE(c["keras"].get<std::string>() + " " + name + " on " + c["data"].get<std::string>());
  const Tensor t1 = TensorFromNested(c["y_true_1"]), p1 = TensorFromNested(c["y_pred_1"]);
  const Tensor t2 = TensorFromNested(c["y_true_2"]), p2 = TensorFromNested(c["y_pred_2"]);
  Graph g;
  GraphBuilder b(g);
  std::vector<int64_t> td(t1.shape().dims().begin(), t1.shape().dims().end());
  std::vector<int64_t> pd(p1.shape().dims().begin(), p1.shape().dims().end());
  td[0] = pd[0] = kUnknownDim;
  ValueRef t = b.Placeholder("y_true", kFloat32, Shape(td));
  ValueRef p = b.Placeholder("y_pred", kFloat32, Shape(pd));
  const std::vector<LoweredMetric> lowered = {Lower(b, name, "mse", t, p)};
  Executor e(g, lowered[0].statistics, {}, nullptr);
  Accumulator acc(lowered);
  // Kiln follows tf.keras's log(p + eps) for binary crossentropy (keras/losses.h).
  const double tol =
      name == "binary_crossentropy" && c["keras"].get<std::string>().starts_with("keras") ? 5e-6
                                                                                          : 1e-6;
  auto expect = [&](const char* key) {
    const double want = c[key], got = acc.Results()[0];
    EXPECT_NEAR(got, want, tol * std::abs(want) + 1e-6) << key;
  };
  acc.Add(e.Run({{t, t1}, {p, p1}}), t1.dim(0));
  expect("after_1");
  acc.Add(e.Run({{t, t2}, {p, p2}}), t2.dim(0));
  expect("after_2");
  acc.Reset();
  acc.Add(e.Run({{t, t2}, {p, p2}}), t2.dim(0));
  expect("batch_2_alone");
}

INSTANTIATE_TEST_SUITE_P(Keras, KerasMetric, ::testing::Range(0, static_cast<int>(Cases().size())),
                         [](const ::testing::TestParamInfo<int>& p) {
                           const json& c = Cases()[p.param];
                           std::string n = std::to_string(p.param) + "_" +
                                           c["metric"]["class_name"].get<std::string>() + "_" +
                                           c["keras"].get<std::string>();
                           return ::kiln::testing::SafeTestName(n);
                         });

}  // namespace
}  // namespace kiln::keras::metrics
