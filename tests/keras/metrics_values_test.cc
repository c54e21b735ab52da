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

// Runs `metric` over the case's two batches and checks Keras's running results; `weighted`
// feeds the case's per-sample weights and checks the weighted_* results.
void ExpectKerasResults(const json& c, const Metric& metric, bool weighted = false) {
  const Tensor t1 = TensorFromNested(c["y_true_1"]), p1 = TensorFromNested(c["y_pred_1"]);
  const Tensor t2 = TensorFromNested(c["y_true_2"]), p2 = TensorFromNested(c["y_pred_2"]);
  Graph g;
  GraphBuilder b(g);
  std::vector<int64_t> td(t1.shape().dims().begin(), t1.shape().dims().end());
  std::vector<int64_t> pd(p1.shape().dims().begin(), p1.shape().dims().end());
  td[0] = pd[0] = kUnknownDim;
  ValueRef t = b.Placeholder("y_true", kFloat32, Shape(td));
  ValueRef p = b.Placeholder("y_pred", kFloat32, Shape(pd));
  ValueRef w = weighted ? b.Placeholder("w", kFloat32, Shape{kUnknownDim}) : ValueRef();
  const std::vector<LoweredMetric> lowered = {Lower(b, metric, "mse", t, p, w)};
  Executor e(g, lowered[0].statistics, {}, nullptr);
  Accumulator acc(lowered);
  // Kiln follows tf.keras's log(p + eps) for binary crossentropy (keras/losses.h).
  const bool bce = metric.name() == "binary_crossentropy";
  const double tol = bce && c["keras"].get<std::string>().starts_with("keras") ? 5e-6 : 1e-6;
  const std::string prefix = weighted ? "weighted_" : "";
  auto expect = [&](const std::string& key) {
    const double want = c[prefix + key], got = acc.Results()[0];
    EXPECT_NEAR(got, want, tol * std::abs(want) + 1e-6) << prefix + key;
  };
  auto run = [&](const Tensor& yt, const Tensor& yp, const char* weights) {
    std::vector<Feed> feeds = {{t, yt}, {p, yp}};
    if (weighted) feeds.push_back({w, TensorFromNested(c[weights])});
    acc.Add(e.Run(feeds), yt.dim(0));
  };
  run(t1, p1, "sample_weight_1");
  expect("after_1");
  run(t2, p2, "sample_weight_2");
  expect("after_2");
  acc.Reset();
  run(t2, p2, "sample_weight_2");
  expect("batch_2_alone");
}

TEST_P(KerasMetric, SameRunningResults) {
  const json& c = Cases()[GetParam()];
  SCOPED_TRACE(c["keras"].get<std::string>() + " " + c["metric"].dump() + " on " +
               c["data"].get<std::string>());
  const Metric configured = Metric::FromConfig(c["metric"]);
  if (c["after_1"].is_array()) {
    // One value per threshold, class or output in Keras: Kiln refuses, naming the class.
    Graph g;
    GraphBuilder b(g);
    const Tensor p1 = TensorFromNested(c["y_pred_1"]);
    std::vector<int64_t> pd(p1.shape().dims().begin(), p1.shape().dims().end());
    pd[0] = kUnknownDim;
    ValueRef p = b.Placeholder("y_pred", kFloat32, Shape(pd));
    try {
      Lower(b, configured, "mse", b.Placeholder("y_true", kFloat32, Shape(pd)), p);
      ADD_FAILURE() << "a list-valued metric was accepted";
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find(configured.class_name()), std::string::npos) << e.what();
    }
    return;
  }
  ExpectKerasResults(c, configured);
  if (const std::string name = KilnName(c["metric"]); !name.empty()) {
    SCOPED_TRACE("by name: " + name);
    ExpectKerasResults(c, name);
  }
  // Keras 3.15's IoU metrics keep an integer confusion matrix (dtype "int32" in their config)
  // and truncate fractional weights; tf.keras's float matrix is the weighted one Kiln computes.
  const bool truncates = c["keras"].get<std::string>().starts_with("keras") &&
                         c["metric"]["class_name"].get<std::string>().ends_with("IoU");
  if (!c["weighted_after_1"].is_null() && !truncates) {
    SCOPED_TRACE("weighted by sample_weight");
    ExpectKerasResults(c, configured, /*weighted=*/true);
  }
}

TEST(Metric, ConfigsAreCheckedAndSaved) {
  EXPECT_THROW(Metric::FromConfig({{"class_name", "Wobble"}}), NotFoundError);
  const Metric auc = AUC({.curve = "PR", .name = "pr_auc"});
  EXPECT_EQ(auc.name(), "pr_auc");
  EXPECT_EQ(auc.config()["curve"], "PR");
  const json saved = Saved(auc, "binary_crossentropy", Shape{kUnknownDim, 1}, true);
  EXPECT_EQ(saved["class_name"], "AUC");
  EXPECT_EQ(saved["module"], "keras.metrics");
  EXPECT_EQ(Metric::FromConfig(saved).config(), auc.config());
  EXPECT_EQ(MeanIoU(3).name(), "mean_io_u");  // Keras's default name
  Graph g;
  GraphBuilder b(g);
  ValueRef p = b.Placeholder("p", kFloat32, Shape{kUnknownDim, 3});
  EXPECT_THROW(Lower(b, Precision({.class_id = 3}), "mse", p, p), ValueError);
  EXPECT_THROW(Lower(b, AUC({.curve = "XY"}), "mse", p, p), ValueError);
  // A config value of the wrong type is Kiln's error, naming the key (not a JSON library's).
  EXPECT_THROW(Lower(b,
                     Metric::FromConfig(
                         {{"class_name", "TopKCategoricalAccuracy"}, {"config", {{"k", "two"}}}}),
                     "mse", p, p),
               ValueError);
  EXPECT_THROW(Lower(b, Metric::FromConfig({{"class_name", "MeanIoU"}, {"config", json::object()}}),
                     "mse", p, p),
               ValueError);
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
