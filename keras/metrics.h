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
// thresholds), RootMeanSquaredError ("rmse"), R2Score (uniform average), MeanIoU needs
// num_classes and is not offered by name. The display name is the one the user wrote.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "graph/graph_builder.h"

// `loss` is the output's loss as Keras's function name (losses::Loss::function()).
namespace kiln::keras::metrics {

// What a metric adds to a graph: statistics per batch and the metric's value from their totals
// over the batches seen. Without `result`, statistics[0] is the batch mean of the metric, and
// the loop averages it weighted by the batch size (Keras's Mean: sum over count).
struct LoweredMetric {
  std::vector<ValueRef> statistics;
  std::function<double(const std::vector<std::vector<double>>& totals)> result;
};

// The concrete metric ("accuracy" -> "categorical_accuracy", "rmse" -> "root_mean_squared_error");
// throws kiln::NotFoundError listing the known names.
std::string Resolve(const std::string& metric, const std::string& loss, const Shape& output_shape);
LoweredMetric Lower(GraphBuilder& b, const std::string& metric, const std::string& loss,
                    ValueRef y_true, ValueRef y_pred);
// The name to save in a Keras file so that Keras computes what Kiln computes. tf.keras's .h5
// loader resolves "accuracy" from the model's outputs alone (it builds the metrics with the
// outputs standing in for the targets: binary_accuracy for one unit, else categorical_accuracy),
// so where Kiln resolves it otherwise (the sparse loss; binary_crossentropy on several units) the
// concrete name is saved; everything else keeps the name the user wrote.
std::string SavedName(const std::string& metric, const std::string& loss,
                      const Shape& output_shape);

// Adds the statistics of a list of lowered metrics over batches and gives their values.
class Accumulator {
 public:
  explicit Accumulator(const std::vector<LoweredMetric>& metrics);
  void Reset();
  // `values` are the fetched statistics in order, for a batch of `batch` samples.
  void Add(std::span<const Tensor> values, int64_t batch);
  std::vector<double> Results() const;

 private:
  const std::vector<LoweredMetric>* metrics_;
  std::vector<std::vector<std::vector<double>>> totals_;  // per metric, per statistic
  int64_t samples_ = 0;
};

}  // namespace kiln::keras::metrics
