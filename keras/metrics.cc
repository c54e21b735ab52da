#include "keras/metrics.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "keras/losses.h"

namespace kiln::keras::metrics {
namespace {

using Axes = std::vector<int64_t>;

// Keras's class names and their snake-case names, for the metrics with state beyond a mean.
const std::map<std::string, std::string> kStateful = {
    {"Precision", "precision"},
    {"precision", "precision"},
    {"Recall", "recall"},
    {"recall", "recall"},
    {"TruePositives", "true_positives"},
    {"true_positives", "true_positives"},
    {"FalsePositives", "false_positives"},
    {"false_positives", "false_positives"},
    {"TrueNegatives", "true_negatives"},
    {"true_negatives", "true_negatives"},
    {"FalseNegatives", "false_negatives"},
    {"false_negatives", "false_negatives"},
    {"AUC", "auc"},
    {"auc", "auc"},
    {"RootMeanSquaredError", "root_mean_squared_error"},
    {"root_mean_squared_error", "root_mean_squared_error"},
    {"rmse", "root_mean_squared_error"},
    {"R2Score", "r2_score"},
    {"r2_score", "r2_score"},
};

const char* const kMeans[] = {"binary_accuracy", "categorical_accuracy",
                              "sparse_categorical_accuracy", "top_k_categorical_accuracy",
                              "sparse_top_k_categorical_accuracy"};

double DivideNoNan(double a, double b) { return b == 0 ? 0 : a / b; }

ValueRef AsFloat(GraphBuilder& b, ValueRef v, DType t) { return b.Op("Cast", {v}, {{"dtype", t}}); }

// 1 where x > threshold (elementwise, broadcasting), as Keras's confusion metrics compare.
ValueRef Above(GraphBuilder& b, ValueRef x, ValueRef threshold) {
  const DType t = b.type(x).dtype;
  return b.Op("Sub", {b.Scalar(1, t), AsFloat(b, b.Op("GreaterEqual", {threshold, x}), t)});
}

// In the top k: fewer than k classes score above the true class (ties count in, as Keras's
// in_top_k).
ValueRef InTopK(GraphBuilder& b, ValueRef one_hot, ValueRef y_pred, int64_t k) {
  const DType t = b.type(y_pred).dtype;
  ValueRef true_score = b.Op("ReduceSum", {b.Op("Mul", {one_hot, y_pred})},
                             {{"axes", Axes{-1}}, {"keep_dims", true}});
  ValueRef above = b.Op("ReduceSum", {Above(b, y_pred, true_score)}, {{"axes", Axes{-1}}});
  return b.Op("Sub", {b.Scalar(1, t),
                      AsFloat(b, b.Op("GreaterEqual", {above, b.Scalar(double(k), t)}), t)});
}

// tp, fp, tn, fn over every element at one threshold.
std::vector<ValueRef> Confusion(GraphBuilder& b, ValueRef y_true, ValueRef y_pred, double thr) {
  const DType t = b.type(y_pred).dtype;
  ValueRef pos = Above(b, y_pred, b.Scalar(thr, t)), one = b.Scalar(1, t);
  ValueRef neg = b.Op("Sub", {one, pos}), not_true = b.Op("Sub", {one, y_true});
  auto sum = [&](ValueRef a, ValueRef c) { return b.Op("ReduceSum", {b.Op("Mul", {a, c})}); };
  return {sum(pos, y_true), sum(pos, not_true), sum(neg, not_true), sum(neg, y_true)};
}

LoweredMetric Stateful(GraphBuilder& b, const std::string& m, ValueRef y_true, ValueRef y_pred) {
  const DType t = b.type(y_pred).dtype;
  if (m == "precision" || m == "recall" || m.ends_with("_positives") || m.ends_with("_negatives")) {
    std::vector<ValueRef> c = Confusion(b, y_true, y_pred, 0.5);
    if (m == "precision")
      return {{c[0], c[1]}, [](const auto& s) { return DivideNoNan(s[0][0], s[0][0] + s[1][0]); }};
    if (m == "recall")
      return {{c[0], c[3]}, [](const auto& s) { return DivideNoNan(s[0][0], s[0][0] + s[1][0]); }};
    const int i = m == "true_positives"    ? 0
                  : m == "false_positives" ? 1
                  : m == "true_negatives"  ? 2
                                           : 3;
    return {{c[i]}, [](const auto& s) { return s[0][0]; }};
  }
  if (m == "auc") {
    // Keras: 200 thresholds, (i + 1) / 199 inside and -eps, 1 + eps at the ends; ROC by the
    // trapezoid ("interpolation") over the (fpr, tpr) points.
    constexpr int64_t kT = 200;
    constexpr double kEps = 1e-7;
    Tensor thr(t, Shape{1, kT});
    for (int64_t i = 0; i < kT; ++i)
      thr.data<float>()[i] = i == 0        ? float(0 - kEps)
                             : i == kT - 1 ? float(1 + kEps)
                                           : float(double(i) / double(kT - 1));
    ValueRef p = b.Op("Reshape", {y_pred}, {{"shape", Axes{-1, 1}}});
    ValueRef yt = b.Op("Reshape", {y_true}, {{"shape", Axes{-1, 1}}});
    ValueRef pos = Above(b, p, b.Const(thr)), one = b.Scalar(1, t);
    ValueRef neg = b.Op("Sub", {one, pos}), not_true = b.Op("Sub", {one, yt});
    auto sum = [&](ValueRef a, ValueRef c) {
      return b.Op("ReduceSum", {b.Op("Mul", {a, c})}, {{"axes", Axes{0}}});
    };
    return {{sum(pos, yt), sum(pos, not_true), sum(neg, not_true), sum(neg, yt)},
            [](const auto& s) {
              const auto &tp = s[0], &fp = s[1], &tn = s[2], &fn = s[3];
              double area = 0;
              for (size_t i = 0; i + 1 < tp.size(); ++i) {
                const double x0 = DivideNoNan(fp[i], fp[i] + tn[i]);
                const double x1 = DivideNoNan(fp[i + 1], fp[i + 1] + tn[i + 1]);
                const double y0 = DivideNoNan(tp[i], tp[i] + fn[i]);
                const double y1 = DivideNoNan(tp[i + 1], tp[i + 1] + fn[i + 1]);
                area += (x0 - x1) * (y0 + y1) / 2;
              }
              return area;
            }};
  }
  if (m == "root_mean_squared_error") {
    ValueRef sq = b.Op("Square", {b.Op("Sub", {y_pred, y_true})});
    return {{b.Op("ReduceSum", {sq}), b.Op("ReduceSum", {b.Op("OnesLike", {sq})})},
            [](const auto& s) { return std::sqrt(DivideNoNan(s[0][0], s[1][0])); }};
  }
  // r2_score: per output column, Keras 3's R2Score with class_aggregation "uniform_average".
  if (b.type(y_pred).shape.rank() != 2)
    throw ValueError("r2_score: y_pred must be [batch, outputs], got " +
                     b.type(y_pred).shape.ToString());
  auto col_sum = [&](ValueRef v) { return b.Op("ReduceSum", {v}, {{"axes", Axes{0}}}); };
  return {{col_sum(y_true), col_sum(b.Op("Square", {y_true})),
           col_sum(b.Op("Square", {b.Op("Sub", {y_true, y_pred})})),
           col_sum(b.Op("OnesLike", {y_true}))},
          [](const auto& s) {
            double total = 0;
            for (size_t c = 0; c < s[0].size(); ++c) {
              const double mean = DivideNoNan(s[0][c], s[3][c]);
              const double spread = s[1][c] - s[0][c] * mean;
              double score = 1 - s[2][c] / spread;
              if (std::isinf(score)) score = 0;
              total += score;
            }
            return total / double(std::max<size_t>(1, s[0].size()));
          }};
}

}  // namespace

std::string Resolve(const std::string& metric, const std::string& loss, const Shape& output_shape) {
  if (metric == "accuracy" || metric == "acc") {
    if (output_shape.dim(-1) == 1 || loss == losses::binary_crossentropy) return "binary_accuracy";
    if (loss == losses::sparse_categorical_crossentropy) return "sparse_categorical_accuracy";
    return "categorical_accuracy";
  }
  for (const char* m : kMeans)
    if (metric == m) return metric;
  if (auto it = kStateful.find(metric); it != kStateful.end()) return it->second;
  try {
    return losses::Loss(metric).function();
  } catch (const NotFoundError&) {
  }
  std::string known = "accuracy (acc)";
  for (const char* m : kMeans) known += std::string(", ") + m;
  for (const auto& [name, m] : kStateful)
    if (name == m) known += ", " + name;
  known += ", rmse, and the loss functions";
  throw NotFoundError("Unknown metric function: '" + metric + "' (known: " + known + ")");
}

std::string SavedName(const std::string& metric, const std::string& loss,
                      const Shape& output_shape) {
  if (metric != "accuracy" && metric != "acc") return metric;
  const std::string tf_keras_on_load =
      output_shape.dim(-1) == 1 ? "binary_accuracy" : "categorical_accuracy";
  const std::string kiln = Resolve(metric, loss, output_shape);
  return kiln == tf_keras_on_load ? metric : kiln;
}

LoweredMetric Lower(GraphBuilder& b, const std::string& metric, const std::string& loss,
                    ValueRef y_true, ValueRef y_pred) {
  auto scope = b.Scope("metrics/" + metric);
  const std::string m = Resolve(metric, loss, b.type(y_pred).shape);
  const DType t = b.type(y_pred).dtype;
  if (kStateful.count(m)) return Stateful(b, m, y_true, y_pred);
  ValueRef hits;
  if (m == "binary_accuracy") {
    // y_pred > 0.5, written as not(0.5 >= y_pred).
    hits = AsFloat(b, b.Op("Equal", {y_true, Above(b, y_pred, b.Scalar(0.5, t))}), t);
  } else if (m == "categorical_accuracy") {
    hits = AsFloat(b, b.Op("Equal", {b.Op("ArgMax", {y_true}), b.Op("ArgMax", {y_pred})}), t);
  } else if (m == "sparse_categorical_accuracy") {
    hits = AsFloat(
        b, b.Op("Equal", {b.Op("Cast", {y_true}, {{"dtype", kInt64}}), b.Op("ArgMax", {y_pred})}),
        t);
  } else if (m == "top_k_categorical_accuracy" || m == "sparse_top_k_categorical_accuracy") {
    ValueRef one_hot = y_true;
    if (m.starts_with("sparse"))
      one_hot = b.Op("OneHot", {b.Op("Cast", {y_true}, {{"dtype", kInt64}})},
                     {{"depth", b.type(y_pred).shape.dim(-1)}, {"dtype", t}});
    hits = InTopK(b, one_hot, y_pred, 5);
  } else {
    // A loss function as a metric: the batch mean of its per-example values (the cosine
    // similarity positive, as Keras's metric; the loss is its negative).
    ValueRef v = losses::Loss(m).Lower(b, y_true, y_pred);
    return {{m == "cosine_similarity" ? b.Op("Neg", {v}) : v}, nullptr};
  }
  return {{b.Op("ReduceMean", {hits}, {}, "value")}, nullptr};
}

Accumulator::Accumulator(const std::vector<LoweredMetric>& metrics) : metrics_(&metrics) {
  Reset();
}

void Accumulator::Reset() {
  totals_.assign(metrics_->size(), {});
  samples_ = 0;
}

void Accumulator::Add(std::span<const Tensor> values, int64_t batch) {
  size_t j = 0;
  for (size_t i = 0; i < metrics_->size(); ++i) {
    const LoweredMetric& m = (*metrics_)[i];
    auto& totals = totals_[i];
    totals.resize(m.statistics.size());
    for (size_t k = 0; k < m.statistics.size(); ++k, ++j) {
      const Tensor v = values[j].astype(kFloat64);
      totals[k].resize(static_cast<size_t>(v.num_elements()), 0.0);
      const double scale = m.result ? 1.0 : static_cast<double>(batch);
      for (int64_t e = 0; e < v.num_elements(); ++e) totals[k][e] += v.data<double>()[e] * scale;
    }
  }
  samples_ += batch;
}

std::vector<double> Accumulator::Results() const {
  std::vector<double> out;
  for (size_t i = 0; i < metrics_->size(); ++i) {
    const LoweredMetric& m = (*metrics_)[i];
    if (totals_[i].size() != m.statistics.size())
      out.push_back(0.0);  // nothing seen yet
    else if (m.result)
      out.push_back(m.result(totals_[i]));
    else
      out.push_back(totals_[i][0][0] / double(std::max<int64_t>(1, samples_)));
  }
  return out;
}

}  // namespace kiln::keras::metrics
