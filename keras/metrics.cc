#include "keras/metrics.h"

#include "keras/losses.h"

namespace kiln::keras::metrics {

std::string Resolve(const std::string& metric, const std::string& loss, const Shape& output_shape) {
  const std::string& l = loss;
  if (metric == "accuracy" || metric == "acc") {
    if (output_shape.dim(-1) == 1 || l == losses::binary_crossentropy) return "binary_accuracy";
    if (l == losses::sparse_categorical_crossentropy) return "sparse_categorical_accuracy";
    return "categorical_accuracy";
  }
  if (metric == "mse") return "mean_squared_error";
  if (metric == "mae") return "mean_absolute_error";
  for (const char* m : {"binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                        "mean_squared_error", "mean_absolute_error"})
    if (metric == m) return metric;
  throw NotFoundError("Unknown metric function: '" + metric +
                      "' (known: accuracy (acc), binary_accuracy, categorical_accuracy, "
                      "sparse_categorical_accuracy, mean_squared_error (mse), "
                      "mean_absolute_error (mae))");
}

std::string SavedName(const std::string& metric, const std::string& loss,
                      const Shape& output_shape) {
  if (metric != "accuracy" && metric != "acc") return metric;
  const std::string tf_keras_on_load =
      output_shape.dim(-1) == 1 ? "binary_accuracy" : "categorical_accuracy";
  const std::string kiln = Resolve(metric, loss, output_shape);
  return kiln == tf_keras_on_load ? metric : kiln;
}

ValueRef Lower(GraphBuilder& b, const std::string& metric, const std::string& loss, ValueRef y_true,
               ValueRef y_pred) {
  auto scope = b.Scope("metrics/" + metric);
  const std::string m = Resolve(metric, loss, b.type(y_pred).shape);
  const DType t = b.type(y_pred).dtype;
  auto as_float = [&](ValueRef v) { return b.Op("Cast", {v}, {{"dtype", t}}); };
  ValueRef hits;
  if (m == "binary_accuracy") {
    // y_pred > 0.5, written as not(0.5 >= y_pred).
    ValueRef pred =
        b.Op("Sub", {b.Scalar(1, t), as_float(b.Op("GreaterEqual", {b.Scalar(0.5, t), y_pred}))});
    hits = as_float(b.Op("Equal", {y_true, pred}));
  } else if (m == "categorical_accuracy") {
    hits = as_float(b.Op("Equal", {b.Op("ArgMax", {y_true}), b.Op("ArgMax", {y_pred})}));
  } else if (m == "sparse_categorical_accuracy") {
    hits = as_float(
        b.Op("Equal", {b.Op("Cast", {y_true}, {{"dtype", kInt64}}), b.Op("ArgMax", {y_pred})}));
  } else if (m == "mean_absolute_error") {
    hits = b.Op("Abs", {b.Op("Sub", {y_pred, y_true})});
  } else {
    hits = b.Op("Square", {b.Op("Sub", {y_pred, y_true})});
  }
  return b.Op("ReduceMean", {hits}, {}, "value");
}

}  // namespace kiln::keras::metrics
