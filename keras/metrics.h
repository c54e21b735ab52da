// Metrics by Keras name, lowered into the graph as per-batch statistics that the training loop
// adds up over an epoch (Keras's stateful update_state / result / reset_state).
//
//   model.compile({..., .metrics = {"accuracy", "precision", "auc", "rmse", "mape"}});
//
// Names: "accuracy" / "acc" resolve as Keras 2.3.1 resolves them: binary_accuracy when the
// output has one unit or the loss is binary_crossentropy, sparse_categorical_accuracy for the
// sparse loss, else categorical_accuracy. Also binary_accuracy, categorical_accuracy,
// sparse_categorical_accuracy, top_k_categorical_accuracy and sparse_top_k_categorical_accuracy
// (k = 5), every loss function name (mse, mae, mape, msle, logcosh, kld, poisson,
// cosine_similarity, hinge, ..., binary/categorical/sparse crossentropy: their batch means), and
// the Keras classes with their defaults, by class name or in snake case: Precision, Recall,
// TruePositives, FalsePositives, TrueNegatives, FalseNegatives (threshold 0.5), AUC (ROC, 200
// thresholds), RootMeanSquaredError ("rmse"), R2Score (uniform average). The display name is the
// one the user wrote. Other configs, and metrics that need one (MeanIoU), are Metric objects.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph_builder.h"

namespace kiln::keras::metrics {

// What a metric adds to a graph: statistics per batch and the metric's value from their totals
// over the batches seen. Without `result`, statistics[0] is the batch mean of the metric, and
// the loop averages it weighted by the batch size (Keras's Mean: sum over count).
struct LoweredMetric {
  std::vector<ValueRef> statistics;
  std::function<double(const std::vector<std::vector<double>>& totals)> result;
};

// A metric: by name ("accuracy", "mae", "auc", "Precision": Keras's defaults), or a Keras metric
// object with its config, as Keras serializes it or as the factories below make it:
//   .metrics = {"accuracy", metrics::AUC({.curve = "PR"}), metrics::Precision({.class_id = 2})}
//   Metric::FromConfig({{"class_name", "Recall"}, {"config", {{"thresholds", 0.3}}}})
// Configured classes (their Keras config keys; missing keys take Keras's defaults):
//   BinaryAccuracy(threshold), Accuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
//   TopKCategoricalAccuracy(k), SparseTopKCategoricalAccuracy(k),
//   Precision, Recall (thresholds: one number, top_k, class_id), TruePositives, FalsePositives,
//   TrueNegatives, FalseNegatives (thresholds: one number),
//   AUC (num_thresholds, curve ROC or PR, summation_method interpolation, multi_label,
//   from_logits), PrecisionAtRecall(recall), RecallAtPrecision(precision),
//   SensitivityAtSpecificity(specificity), SpecificityAtSensitivity(sensitivity) (num_thresholds,
//   class_id), F1Score, FBetaScore (average micro, macro or weighted, beta, threshold),
//   MeanIoU(num_classes), IoU(num_classes, target_class_ids) (sparse_y_true, sparse_y_pred,
//   ignore_class), R2Score (class_aggregation uniform_average or variance_weighted_average,
//   num_regressors), and the loss classes (MeanSquaredError, BinaryCrossentropy(from_logits,
//   label_smoothing), ...). Kiln's logs hold one number per metric, so a config whose result is
//   a list (several thresholds, average None) is refused with kiln::ValueError naming the key.
class Metric {
 public:
  Metric(const char* name) : Metric(std::string(name)) {}  // NOLINT
  Metric(std::string name);                                // NOLINT
  // {"class_name": ..., "config": {...}} (Keras 3's module and registered_name are ignored);
  // throws kiln::NotFoundError for a class Kiln does not have, kiln::ValueError for a config it
  // does not follow.
  static Metric FromConfig(const nlohmann::json& object);
  // The name in the logs: the one written, or the config's "name" (default: the class in snake
  // case, as Keras names it: "mean_io_u").
  const std::string& name() const { return name_; }
  const std::string& class_name() const { return class_name_; }  // "" for a metric by name
  // A metric by name: the name it was given, which Resolve() reads ("accuracy" shown as
  // "weighted_accuracy"); empty for a configured one.
  const std::string& function() const { return function_; }
  const nlohmann::json& config() const { return config_; }  // with every default filled in
  // This metric with another display name.
  Metric Renamed(const std::string& name) const;
  bool operator==(const Metric&) const = default;

 private:
  Metric() = default;
  std::string name_, function_, class_name_;
  nlohmann::json config_;
};

// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct ConfusionOptions {
  std::optional<double> thresholds = std::nullopt;  // default 0.5 (-inf with top_k)
  std::optional<int64_t> top_k = std::nullopt;
  std::optional<int64_t> class_id = std::nullopt;
  std::string name = "";
};
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct AUCOptions {
  int num_thresholds = 200;
  std::string curve = "ROC";  // or "PR"
  std::string name = "";
  bool multi_label = false;
  bool from_logits = false;
};
// Fields in Keras's argument order: designated initializers must follow it (see keras.h).
struct FBetaOptions {
  std::string average = "macro";  // "micro", "macro" or "weighted"
  double beta = 1.0;
  std::optional<double> threshold = std::nullopt;  // default: each row's maximum is positive
  std::string name = "";
};
Metric Precision(ConfusionOptions options = {});
Metric Recall(ConfusionOptions options = {});
Metric AUC(AUCOptions options = {});
Metric F1Score(FBetaOptions options = {});
Metric FBetaScore(FBetaOptions options = {});
Metric TopKCategoricalAccuracy(int64_t k = 5, std::string name = "");
Metric MeanIoU(int64_t num_classes, std::string name = "");

// A metric function of one's own (Keras's custom metric function, a custom object): values per
// example (or one per batch) from the targets and the predictions, averaged over the samples seen
// as Keras's MeanMetricWrapper averages them. Registered by name: compile({.metrics =
// {"name"}}) finds it, a model saved with it names it, and load_model compiles such a file where
// the same name is registered. Throws kiln::ValueError for a built-in metric name or no function.
using MetricFn = std::function<ValueRef(GraphBuilder& b, ValueRef y_true, ValueRef y_pred)>;
void Register(const std::string& name, MetricFn fn);

// The concrete metric of a metric by name ("accuracy" -> "categorical_accuracy", "rmse" ->
// "root_mean_squared_error"); throws kiln::NotFoundError listing the known names. A configured
// metric's class in snake case.
// `loss` is the output's loss as Keras's function name (losses::Loss::function()).
std::string Resolve(const Metric& metric, const std::string& loss, const Shape& output_shape);
// With `sample_weight` ([batch]), each sample counts with its weight, as Keras's
// update_state(..., sample_weight) weighs it (compile's weighted_metrics).
LoweredMetric Lower(GraphBuilder& b, const Metric& metric, const std::string& loss, ValueRef y_true,
                    ValueRef y_pred, ValueRef sample_weight = {});
// What to save in a Keras file so that Keras computes what Kiln computes: a configured metric's
// {"class_name", "config"} (with Keras 3's module), a name as written, except "accuracy":
// tf.keras's .h5 loader resolves it from the model's outputs alone (it builds the metrics with the
// outputs standing in for the targets: binary_accuracy for one unit, else categorical_accuracy), so
// where Kiln resolves it otherwise (the sparse loss; binary_crossentropy on several units) the
// concrete name is saved.
nlohmann::json Saved(const Metric& metric, const std::string& loss, const Shape& output_shape,
                     bool keras3);

// Adds the statistics of a list of lowered metrics over batches and gives their values.
class Accumulator {
 public:
  explicit Accumulator(const std::vector<LoweredMetric>& metrics);
  void Reset();
  // `values` are the fetched statistics in order, for a batch of `batch` samples.
  void Add(std::span<const Tensor> values, int64_t batch);
  std::vector<double> Results() const;
  // What the totals are, to be restored into an accumulator of the same metrics (a resumed run).
  struct State {
    std::vector<std::vector<std::vector<double>>> totals;
    int64_t samples = 0;
  };
  State state() const { return {totals_, samples_}; }
  void Restore(State s) {
    totals_ = std::move(s.totals);
    samples_ = s.samples;
  }

 private:
  const std::vector<LoweredMetric>* metrics_;
  std::vector<std::vector<std::vector<double>>> totals_;  // per metric, per statistic
  int64_t samples_ = 0;
};

}  // namespace kiln::keras::metrics
