#include "keras/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "keras/backend.h"
#include "keras/losses.h"

namespace kiln::keras::metrics {
namespace {

using Axes = std::vector<int64_t>;
using nlohmann::json;

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

// Each sample's weight (w: [batch], or invalid for none) spread over the other axes of `like`
// ([batch, ...]), as Keras broadcasts sample_weight to the values it weighs; invalid when w is.
ValueRef Spread(GraphBuilder& b, ValueRef w, ValueRef like) {
  if (!w.valid()) return w;
  const int rank = b.type(like).shape.rank();
  if (rank <= 1) return w;
  Axes dims(static_cast<size_t>(rank), 1);
  dims[0] = -1;
  return b.Op("Mul", {b.Op("OnesLike", {like}), b.Op("Reshape", {w}, {{"shape", dims}})});
}

// x * w for a spread weight, x itself without one.
ValueRef Weighed(GraphBuilder& b, ValueRef x, ValueRef spread) {
  return spread.valid() ? b.Op("Mul", {x, spread}) : x;
}

// Keras's Mean over per-example (or per-element) values: sum(v * w) / sum(w), the batch mean when
// there are no weights.
LoweredMetric MeanOf(GraphBuilder& b, ValueRef values, ValueRef w) {
  if (!w.valid()) return {{b.Op("ReduceMean", {values}, {}, "value")}, nullptr};
  ValueRef spread = Spread(b, w, values);
  return {{b.Op("ReduceSum", {b.Op("Mul", {values, spread})}), b.Op("ReduceSum", {spread})},
          [](const auto& s) { return DivideNoNan(s[0][0], s[1][0]); }};
}

// tp, fp, tn, fn over every element, from the 0/1 mask of predicted positives; each element
// counts its sample's weight.
std::vector<ValueRef> Confusion(GraphBuilder& b, ValueRef y_true, ValueRef pos, ValueRef w) {
  const DType t = b.type(pos).dtype;
  ValueRef one = b.Scalar(1, t), spread = Spread(b, w, pos);
  ValueRef neg = b.Op("Sub", {one, pos}), not_true = b.Op("Sub", {one, y_true});
  auto sum = [&](ValueRef a, ValueRef c) {
    return b.Op("ReduceSum", {Weighed(b, b.Op("Mul", {a, c}), spread)});
  };
  return {sum(pos, y_true), sum(pos, not_true), sum(neg, not_true), sum(neg, y_true)};
}

// Keras's config value `key`, or `fallback` when it is missing or null.
template <typename T>
T Get(const json& c, const std::string& key, T fallback) {
  if (!c.contains(key) || c[key].is_null()) return fallback;
  try {
    return c[key].get<T>();
  } catch (const json::exception&) {
    throw ValueError("metric config: `" + key + "` is " + c[key].dump().substr(0, 80) +
                     ", not of the type Keras takes");
  }
}

// One threshold from a config's "thresholds" (a number or a list of one); `fallback` when null.
double OneThreshold(const json& c, const std::string& where, double fallback) {
  if (!c.contains("thresholds") || c["thresholds"].is_null()) return fallback;
  const json& v = c["thresholds"];
  if (v.is_number()) return v.get<double>();
  if (v.is_array() && v.size() == 1 && v[0].is_number()) return v[0].get<double>();
  throw ValueError(where + ": thresholds " + v.dump() +
                   " give one result per threshold; Kiln's logs hold one number per metric "
                   "(give one threshold per metric)");
}

// The column `class_id` of [..., classes], keeping the axis.
ValueRef Column(GraphBuilder& b, ValueRef x, int64_t class_id, const std::string& where) {
  const Shape& s = b.type(x).shape;
  const int64_t classes = s.dim(-1);
  if (class_id < 0 || class_id >= classes)
    throw ValueError(where + ": class_id " + std::to_string(class_id) + " is not in [0, " +
                     std::to_string(classes) + ")");
  Tensor mask(b.type(x).dtype, Shape{classes});
  for (int64_t i = 0; i < classes; ++i) mask.data<float>()[i] = i == class_id ? 1.f : 0.f;
  return b.Op("ReduceSum", {b.Op("Mul", {x, b.Const(mask)})},
              {{"axes", Axes{-1}}, {"keep_dims", true}});
}

// 1 for each of a row's k largest scores (fewer than k others above it), else 0: Keras's
// _filter_top_k, which sets the others to -inf.
ValueRef TopKMask(GraphBuilder& b, ValueRef y_pred, int64_t k) {
  const DType t = b.type(y_pred).dtype;
  const int64_t c = b.type(y_pred).shape.dim(-1);
  ValueRef row = b.Op("Reshape", {y_pred}, {{"shape", Axes{-1, 1, c}}});
  ValueRef col = b.Op("Reshape", {y_pred}, {{"shape", Axes{-1, c, 1}}});
  ValueRef above = b.Op("ReduceSum", {Above(b, row, col)}, {{"axes", Axes{-1}}});  // [n, c]
  return b.Op("Sub", {b.Scalar(1, t),
                      AsFloat(b, b.Op("GreaterEqual", {above, b.Scalar(double(k), t)}), t)});
}

// tp, fp, tn, fn per threshold (and per label for multi_label: [thresholds * labels], label
// fastest), summed over the batch.
std::vector<ValueRef> ConfusionAtThresholds(GraphBuilder& b, ValueRef y_true, ValueRef y_pred,
                                            const std::vector<double>& thresholds, bool by_label,
                                            ValueRef w) {
  const DType t = b.type(y_pred).dtype;
  const int64_t n = static_cast<int64_t>(thresholds.size());
  const int64_t labels = by_label ? b.type(y_pred).shape.dim(-1) : 1;
  Tensor thr(t, Shape{1, n, 1});
  for (int64_t i = 0; i < n; ++i) thr.data<float>()[i] = static_cast<float>(thresholds[i]);
  ValueRef p = b.Op("Reshape", {y_pred}, {{"shape", Axes{-1, 1, labels}}});
  ValueRef yt = b.Op("Reshape", {y_true}, {{"shape", Axes{-1, 1, labels}}});
  ValueRef pos = Above(b, p, b.Const(thr)), one = b.Scalar(1, t);
  ValueRef neg = b.Op("Sub", {one, pos}), not_true = b.Op("Sub", {one, yt});
  ValueRef spread = Spread(b, w, y_pred);
  if (spread.valid()) spread = b.Op("Reshape", {spread}, {{"shape", Axes{-1, 1, labels}}});
  auto sum = [&](ValueRef a, ValueRef c) {
    return b.Op("Reshape",
                {b.Op("ReduceSum", {Weighed(b, b.Op("Mul", {a, c}), spread)}, {{"axes", Axes{0}}})},
                {{"shape", Axes{n * labels}}});
  };
  return {sum(pos, yt), sum(pos, not_true), sum(neg, not_true), sum(neg, yt)};
}

// Keras's AUC: num_thresholds thresholds, (i + 1) / (n - 1) inside and -eps, 1 + eps at the
// ends; ROC or PR by interpolation, per label and averaged for multi_label.
LoweredMetric LowerAUC(GraphBuilder& b, const json& c, ValueRef y_true, ValueRef y_pred, ValueRef w,
                       const std::string& where) {
  const int64_t n = Get<int64_t>(c, "num_thresholds", 200);
  if (n <= 1) throw ValueError(where + ": num_thresholds must be > 1, got " + std::to_string(n));
  const std::string curve = Get<std::string>(c, "curve", "ROC");
  if (curve != "ROC" && curve != "PR")
    throw ValueError(where + ": curve must be 'ROC' or 'PR', got '" + curve + "'");
  if (Get<std::string>(c, "summation_method", "interpolation") != "interpolation")
    throw ValueError(where + ": only summation_method 'interpolation' is supported");
  if (c.contains("label_weights") && !c["label_weights"].is_null())
    throw ValueError(where + ": label_weights is not supported");
  if (c.contains("thresholds") && !c["thresholds"].is_null())
    throw ValueError(where + ": explicit thresholds are not supported (give num_thresholds)");
  const bool multi = Get<bool>(c, "multi_label", false);
  if (Get<bool>(c, "from_logits", false)) y_pred = b.Op("Sigmoid", {y_pred});
  std::vector<double> thr(static_cast<size_t>(n));
  constexpr double kEps = 1e-7;
  for (int64_t i = 0; i < n; ++i)
    thr[i] = i == 0 ? -kEps : i == n - 1 ? 1 + kEps : double(i) / double(n - 1);
  const int64_t labels = multi ? b.type(y_pred).shape.dim(-1) : 1;
  const bool roc = curve == "ROC";
  return {ConfusionAtThresholds(b, y_true, y_pred, thr, multi, w), [n, labels, roc](const auto& s) {
            const auto &tp = s[0], &fp = s[1], &tn = s[2], &fn = s[3];
            double total = 0;
            for (int64_t l = 0; l < labels; ++l) {
              auto at = [&](const std::vector<double>& v, int64_t i) { return v[i * labels + l]; };
              double area = 0;
              for (int64_t i = 0; i + 1 < n; ++i) {
                if (roc) {
                  const double x0 = DivideNoNan(at(fp, i), at(fp, i) + at(tn, i));
                  const double x1 = DivideNoNan(at(fp, i + 1), at(fp, i + 1) + at(tn, i + 1));
                  const double y0 = DivideNoNan(at(tp, i), at(tp, i) + at(fn, i));
                  const double y1 = DivideNoNan(at(tp, i + 1), at(tp, i + 1) + at(fn, i + 1));
                  area += (x0 - x1) * (y0 + y1) / 2;
                  continue;
                }
                // Davis & Goadrich's interpolation, as Keras's interpolate_pr_auc.
                const double p0 = at(tp, i) + at(fp, i), p1 = at(tp, i + 1) + at(fp, i + 1);
                const double dtp = at(tp, i) - at(tp, i + 1);
                const double slope = DivideNoNan(dtp, std::max(p0 - p1, 0.0));
                const double intercept = at(tp, i + 1) - slope * p1;
                const double ratio = p0 > 0 && p1 > 0 ? DivideNoNan(p0, std::max(p1, 0.0)) : 1.0;
                area += DivideNoNan(slope * (dtp + intercept * std::log(ratio)),
                                    std::max(at(tp, i + 1) + at(fn, i + 1), 0.0));
              }
              total += area;
            }
            return total / double(labels);
          }};
}

// PrecisionAtRecall and its kin: the best `dependent` rate over the thresholds where the
// `constrained` rate reaches the config's value (0 when none does), as Keras's
// _find_max_under_constraint. Thresholds 0, (i + 1) / (n - 1), 1.
LoweredMetric LowerAtConstraint(GraphBuilder& b, const std::string& cls, const json& c,
                                ValueRef y_true, ValueRef y_pred, ValueRef w,
                                const std::string& where) {
  const int64_t n = Get<int64_t>(c, "num_thresholds", 200);
  if (n <= 0) throw ValueError(where + ": num_thresholds must be > 0");
  static const std::map<std::string, std::string> kValueKey = {
      {"PrecisionAtRecall", "recall"},
      {"RecallAtPrecision", "precision"},
      {"SensitivityAtSpecificity", "specificity"},
      {"SpecificityAtSensitivity", "sensitivity"}};
  const std::string key = kValueKey.at(cls);
  if (!c.contains(key) || !c[key].is_number())
    throw ValueError(where + ": needs `" + key + "` (a number in [0, 1])");
  const double value = c[key].get<double>();
  if (!(value >= 0 && value <= 1))
    throw ValueError(where + ": `" + key + "` must be in [0, 1], got " + c[key].dump());
  if (c.contains("class_id") && !c["class_id"].is_null()) {
    y_true = Column(b, y_true, Get<int64_t>(c, "class_id", 0), where);
    y_pred = Column(b, y_pred, Get<int64_t>(c, "class_id", 0), where);
  }
  std::vector<double> thr;
  if (n == 1) {
    thr = {0.5};
  } else {
    thr.push_back(0.0);
    for (int64_t i = 0; i < n - 2; ++i) thr.push_back(double(i + 1) / double(n - 1));
    thr.push_back(1.0);
  }
  return {ConfusionAtThresholds(b, y_true, y_pred, thr, false, w), [cls, value](const auto& s) {
            const auto &tp = s[0], &fp = s[1], &tn = s[2], &fn = s[3];
            double best = 0;
            bool any = false;
            for (size_t i = 0; i < tp.size(); ++i) {
              const double precision = DivideNoNan(tp[i], tp[i] + fp[i]);
              const double recall = DivideNoNan(tp[i], tp[i] + fn[i]);
              const double specificity = DivideNoNan(tn[i], tn[i] + fp[i]);
              double constrained, dependent;
              if (cls == "PrecisionAtRecall") {
                constrained = recall, dependent = precision;
              } else if (cls == "RecallAtPrecision") {
                constrained = precision, dependent = recall;
              } else if (cls == "SensitivityAtSpecificity") {
                constrained = specificity, dependent = recall;
              } else {
                constrained = recall, dependent = specificity;
              }
              if (constrained >= value) {
                best = any ? std::max(best, dependent) : std::max(0.0, dependent);
                any = true;
              }
            }
            return any ? best : 0.0;
          }};
}

// F1Score and FBetaScore (Keras 3's FBetaScore; tf.keras 2.13+ computes the same).
LoweredMetric LowerFBeta(GraphBuilder& b, const json& c, double beta, ValueRef y_true,
                         ValueRef y_pred, ValueRef w, const std::string& where) {
  const DType t = b.type(y_pred).dtype;
  if (!c.contains("average") || c["average"].is_null())
    throw ValueError(where +
                     ": average None gives one score per class; Kiln's logs hold one "
                     "number per metric (use 'micro', 'macro' or 'weighted')");
  const std::string average = Get<std::string>(c, "average", "");
  if (average != "micro" && average != "macro" && average != "weighted")
    throw ValueError(where + ": average must be 'micro', 'macro', 'weighted' or None, got '" +
                     average + "'");
  if (!(beta > 0)) throw ValueError(where + ": beta must be > 0");
  ValueRef pred;
  if (c.contains("threshold") && !c["threshold"].is_null()) {
    pred = Above(b, y_pred, b.Scalar(Get<double>(c, "threshold", 0.5), t));
  } else {
    // Each row's maximum is the positive one (an all-zero row has none).
    ValueRef max = b.Op("ReduceMax", {y_pred}, {{"axes", Axes{-1}}, {"keep_dims", true}});
    ValueRef at_max = AsFloat(b, b.Op("GreaterEqual", {y_pred, max}), t);
    pred = b.Op("Mul", {at_max, Above(b, b.Op("Abs", {y_pred}), b.Scalar(1e-9, t))});
  }
  ValueRef one = b.Scalar(1, t), spread = Spread(b, w, y_true);
  auto col_sum = [&](ValueRef v) {
    return b.Op("ReduceSum", {Weighed(b, v, spread)}, {{"axes", Axes{0}}});
  };
  return {{col_sum(b.Op("Mul", {pred, y_true})),
           col_sum(b.Op("Mul", {pred, b.Op("Sub", {one, y_true})})),
           col_sum(b.Op("Mul", {b.Op("Sub", {one, pred}), y_true})), col_sum(y_true)},
          [average, beta](const auto& s) {
            constexpr double kEps = 1e-7;
            std::vector<double> tp = s[0], fp = s[1], fn = s[2];
            if (average == "micro") {
              auto total = [](const std::vector<double>& v) {
                double a = 0;
                for (double x : v) a += x;
                return std::vector<double>{a};
              };
              tp = total(tp), fp = total(fp), fn = total(fn);
            }
            const double b2 = beta * beta;
            std::vector<double> f(tp.size());
            for (size_t i = 0; i < tp.size(); ++i) {
              const double precision = tp[i] / (tp[i] + fp[i] + kEps);
              const double recall = tp[i] / (tp[i] + fn[i] + kEps);
              f[i] = precision * recall / (b2 * precision + recall + kEps) * (1 + b2);
            }
            double out = 0;
            if (average == "weighted") {
              double all = 0;
              for (double w : s[3]) all += w;
              for (size_t i = 0; i < f.size(); ++i) out += f[i] * s[3][i] / (all + kEps);
              return out;
            }
            for (double v : f) out += v;
            return out / double(f.size());
          }};
}

// MeanIoU and IoU: the confusion matrix of class ids (true rows, predicted columns), then
// tp / (row + column - tp) for the target classes, averaged over those that occur.
LoweredMetric LowerIoU(GraphBuilder& b, const std::string& cls, const json& c, ValueRef y_true,
                       ValueRef y_pred, ValueRef w, const std::string& where) {
  const DType t = b.type(y_pred).dtype;
  if (!c.contains("num_classes") || !c["num_classes"].is_number_integer() ||
      c["num_classes"].get<int64_t>() < 1)
    throw ValueError(where + ": needs num_classes (a positive integer)");
  const int64_t k = Get<int64_t>(c, "num_classes", 0);
  std::vector<int64_t> targets;
  if (cls == "IoU") {
    if (!c.contains("target_class_ids") || !c["target_class_ids"].is_array())
      throw ValueError(where + ": needs target_class_ids (a list of class ids)");
    targets = Get<std::vector<int64_t>>(c, "target_class_ids", {});
  } else {
    for (int64_t i = 0; i < k; ++i) targets.push_back(i);
  }
  for (int64_t id : targets)
    if (id < 0 || id >= k)
      throw ValueError(where + ": target class " + std::to_string(id) + " is not in [0, " +
                       std::to_string(k) + ")");
  auto ids = [&](ValueRef v, bool sparse) {
    return b.Op("Cast", {sparse ? v : b.Op("ArgMax", {v})}, {{"dtype", kInt64}});
  };
  auto flat = [&](ValueRef v) { return b.Op("Reshape", {v}, {{"shape", Axes{-1}}}); };
  ValueRef true_ids = ids(y_true, Get<bool>(c, "sparse_y_true", true));
  ValueRef ti = flat(true_ids), pi = flat(ids(y_pred, Get<bool>(c, "sparse_y_pred", true)));
  ValueRef th = b.Op("OneHot", {ti}, {{"depth", k}, {"dtype", t}});
  ValueRef ph = b.Op("OneHot", {pi}, {{"depth", k}, {"dtype", t}});
  if (w.valid()) {
    // Each pixel counts its sample's weight.
    ValueRef pixel = flat(Spread(b, w, b.Op("Cast", {true_ids}, {{"dtype", t}})));
    th = b.Op("Mul", {th, b.Op("Reshape", {pixel}, {{"shape", Axes{-1, 1}}})});
  }
  if (c.contains("ignore_class") && !c["ignore_class"].is_null()) {
    // Pixels of the ignored class count nowhere.
    ValueRef keep =
        b.Op("Sub",
             {b.Scalar(1, t), AsFloat(b,
                                      b.Op("Equal", {ti, b.Const(Tensor::Scalar<int64_t>(
                                                             Get<int64_t>(c, "ignore_class", 0)))}),
                                      t)});
    th = b.Op("Mul", {th, b.Op("Reshape", {keep}, {{"shape", Axes{-1, 1}}})});
  }
  ValueRef cm = b.Op("ReduceSum",
                     {b.Op("Mul", {b.Op("Reshape", {th}, {{"shape", Axes{-1, k, 1}}}),
                                   b.Op("Reshape", {ph}, {{"shape", Axes{-1, 1, k}}})})},
                     {{"axes", Axes{0}}});
  return {{b.Op("Reshape", {cm}, {{"shape", Axes{k * k}}})}, [k, targets](const auto& s) {
            const std::vector<double>& m = s[0];
            double sum = 0, valid = 0;
            for (int64_t id : targets) {
              double row = 0, column = 0;
              for (int64_t j = 0; j < k; ++j) row += m[id * k + j], column += m[j * k + id];
              const double tp = m[id * k + id], denominator = row + column - tp;
              if (denominator > 1e-9) ++valid;
              sum += DivideNoNan(tp, denominator);
            }
            return DivideNoNan(sum, valid);
          }};
}

// R2Score per output column, aggregated as the config says, adjusted for num_regressors.
LoweredMetric LowerR2(GraphBuilder& b, const json& c, ValueRef y_true, ValueRef y_pred, ValueRef w,
                      const std::string& where) {
  if (b.type(y_pred).shape.rank() != 2)
    throw ValueError(where + ": y_pred must be [batch, outputs], got " +
                     b.type(y_pred).shape.ToString());
  if (c.contains("class_aggregation") && c["class_aggregation"].is_null())
    throw ValueError(where +
                     ": class_aggregation None gives one score per output; Kiln's logs "
                     "hold one number per metric");
  const std::string aggregation = Get<std::string>(c, "class_aggregation", "uniform_average");
  if (aggregation != "uniform_average" && aggregation != "variance_weighted_average")
    throw ValueError(where +
                     ": class_aggregation must be 'uniform_average' or "
                     "'variance_weighted_average', got '" +
                     aggregation + "'");
  const int64_t regressors = Get<int64_t>(c, "num_regressors", 0);
  if (regressors < 0) throw ValueError(where + ": num_regressors must be >= 0");
  // Keras 3's weighted sums per column; the sample count for the adjustment is unweighted.
  ValueRef spread = Spread(b, w, y_true);
  auto col_sum = [&](ValueRef v) {
    return b.Op("ReduceSum", {Weighed(b, v, spread)}, {{"axes", Axes{0}}});
  };
  ValueRef ones = b.Op("OnesLike", {y_true});
  return {{col_sum(y_true), col_sum(b.Op("Square", {y_true})),
           col_sum(b.Op("Square", {b.Op("Sub", {y_true, y_pred})})), col_sum(ones),
           b.Op("ReduceSum", {ones}, {{"axes", Axes{0}}})},
          [aggregation, regressors](const auto& s) {
            double weighted = 0, weights = 0, uniform = 0;
            for (size_t i = 0; i < s[0].size(); ++i) {
              const double mean = DivideNoNan(s[0][i], s[3][i]);
              const double spread = s[1][i] - s[0][i] * mean;
              double score = 1 - s[2][i] / spread;
              if (std::isinf(score)) score = 0;
              uniform += score;
              weighted += spread * score;
              weights += spread;
            }
            double r2 = aggregation == "uniform_average"
                            ? uniform / double(std::max<size_t>(1, s[0].size()))
                            : weighted / weights;
            const double n = s[4].empty() ? 0 : s[4][0];
            // Keras warns and keeps the plain score when the adjustment is undefined.
            if (regressors != 0 && double(regressors) < n - 1)
              r2 = 1 - (1 - r2) * (n - 1) / (n - double(regressors) - 1);
            return r2;
          }};
}

// Precision, Recall and the four counts with their config (thresholds, top_k, class_id).
LoweredMetric LowerConfusion(GraphBuilder& b, const std::string& m, const json& c, ValueRef y_true,
                             ValueRef y_pred, ValueRef w, const std::string& where) {
  const DType t = b.type(y_pred).dtype;
  const bool pr = m == "precision" || m == "recall";
  const std::optional<int64_t> top_k = pr && c.contains("top_k") && !c["top_k"].is_null()
                                           ? std::optional(Get<int64_t>(c, "top_k", 0))
                                           : std::nullopt;
  if (top_k && *top_k < 1) throw ValueError(where + ": top_k must be positive");
  // Keras's default threshold: 0.5, or none at all (-inf) with top_k.
  const double inf = std::numeric_limits<double>::infinity();
  const double thr = OneThreshold(c, where, top_k ? -inf : 0.5);
  ValueRef pos =
      std::isinf(thr) && thr < 0 ? b.Op("OnesLike", {y_pred}) : Above(b, y_pred, b.Scalar(thr, t));
  if (top_k) pos = b.Op("Mul", {pos, TopKMask(b, y_pred, *top_k)});
  if (pr && c.contains("class_id") && !c["class_id"].is_null()) {
    const int64_t id = Get<int64_t>(c, "class_id", 0);
    y_true = Column(b, y_true, id, where);
    pos = Column(b, pos, id, where);
  }
  std::vector<ValueRef> cm = Confusion(b, y_true, pos, w);
  if (m == "precision")
    return {{cm[0], cm[1]}, [](const auto& s) { return DivideNoNan(s[0][0], s[0][0] + s[1][0]); }};
  if (m == "recall")
    return {{cm[0], cm[3]}, [](const auto& s) { return DivideNoNan(s[0][0], s[0][0] + s[1][0]); }};
  const int i = m == "true_positives"    ? 0
                : m == "false_positives" ? 1
                : m == "true_negatives"  ? 2
                                         : 3;
  return {{cm[i]}, [](const auto& s) { return s[0][0]; }};
}

// A metric with state beyond a mean, `c` its Keras config (empty for Keras's defaults).
LoweredMetric Stateful(GraphBuilder& b, const std::string& m, const json& c, ValueRef y_true,
                       ValueRef y_pred, ValueRef w, const std::string& where) {
  if (m == "precision" || m == "recall" || m.ends_with("_positives") || m.ends_with("_negatives"))
    return LowerConfusion(b, m, c, y_true, y_pred, w, where);
  if (m == "auc") return LowerAUC(b, c, y_true, y_pred, w, where);
  if (m == "root_mean_squared_error") {
    ValueRef sq = b.Op("Square", {b.Op("Sub", {y_pred, y_true})});
    ValueRef spread = Spread(b, w, sq);
    return {{b.Op("ReduceSum", {Weighed(b, sq, spread)}),
             b.Op("ReduceSum", {spread.valid() ? spread : b.Op("OnesLike", {sq})})},
            [](const auto& s) { return std::sqrt(DivideNoNan(s[0][0], s[1][0])); }};
  }
  return LowerR2(b, c, y_true, y_pred, w, where);
}

std::map<std::string, std::shared_ptr<const MetricFn>>& CustomMetrics() {
  static std::map<std::string, std::shared_ptr<const MetricFn>> custom;
  return custom;
}

// The metric classes Kiln configures, by Keras class name: what each lowers as.
const std::map<std::string, std::string>& ConfiguredKinds() {
  static const std::map<std::string, std::string> kinds = {
      {"BinaryAccuracy", "binary_accuracy"},
      {"CategoricalAccuracy", "categorical_accuracy"},
      {"SparseCategoricalAccuracy", "sparse_categorical_accuracy"},
      {"TopKCategoricalAccuracy", "top_k_categorical_accuracy"},
      {"SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy"},
      {"Accuracy", "accuracy_exact"},
      {"Precision", "precision"},
      {"Recall", "recall"},
      {"TruePositives", "true_positives"},
      {"FalsePositives", "false_positives"},
      {"TrueNegatives", "true_negatives"},
      {"FalseNegatives", "false_negatives"},
      {"AUC", "auc"},
      {"RootMeanSquaredError", "root_mean_squared_error"},
      {"R2Score", "r2_score"},
      {"PrecisionAtRecall", "at_constraint"},
      {"RecallAtPrecision", "at_constraint"},
      {"SensitivityAtSpecificity", "at_constraint"},
      {"SpecificityAtSensitivity", "at_constraint"},
      {"F1Score", "fbeta"},
      {"FBetaScore", "fbeta"},
      {"MeanIoU", "iou"},
      {"IoU", "iou"},
      // The loss classes, as their batch means (the loss class of the same name, but LogCosh).
      {"MeanSquaredError", "loss:MeanSquaredError"},
      {"MeanAbsoluteError", "loss:MeanAbsoluteError"},
      {"MeanAbsolutePercentageError", "loss:MeanAbsolutePercentageError"},
      {"MeanSquaredLogarithmicError", "loss:MeanSquaredLogarithmicError"},
      {"CosineSimilarity", "loss:CosineSimilarity"},
      {"LogCoshError", "loss:LogCosh"},
      {"Poisson", "loss:Poisson"},
      {"KLDivergence", "loss:KLDivergence"},
      {"BinaryCrossentropy", "loss:BinaryCrossentropy"},
      {"CategoricalCrossentropy", "loss:CategoricalCrossentropy"},
      {"SparseCategoricalCrossentropy", "loss:SparseCategoricalCrossentropy"},
      {"Hinge", "loss:Hinge"},
      {"SquaredHinge", "loss:SquaredHinge"},
      {"CategoricalHinge", "loss:CategoricalHinge"},
  };
  return kinds;
}

// Batch means of 0/1 hits: the accuracy family.
LoweredMetric MeanOfHits(GraphBuilder& b, const std::string& m, ValueRef y_true, ValueRef y_pred,
                         ValueRef w, double threshold, int64_t k) {
  const DType t = b.type(y_pred).dtype;
  ValueRef hits;
  if (m == "binary_accuracy") {
    hits = AsFloat(b, b.Op("Equal", {y_true, Above(b, y_pred, b.Scalar(threshold, t))}), t);
  } else if (m == "categorical_accuracy") {
    hits = AsFloat(b, b.Op("Equal", {b.Op("ArgMax", {y_true}), b.Op("ArgMax", {y_pred})}), t);
  } else if (m == "sparse_categorical_accuracy") {
    hits = AsFloat(
        b, b.Op("Equal", {b.Op("Cast", {y_true}, {{"dtype", kInt64}}), b.Op("ArgMax", {y_pred})}),
        t);
  } else if (m == "accuracy_exact") {
    hits = AsFloat(b, b.Op("Equal", {y_true, y_pred}), t);
  } else {
    ValueRef one_hot = y_true;
    if (m.starts_with("sparse"))
      one_hot = b.Op(
          "OneHot",
          {b.Op("Reshape", {b.Op("Cast", {y_true}, {{"dtype", kInt64}})}, {{"shape", Axes{-1}}})},
          {{"depth", b.type(y_pred).shape.dim(-1)}, {"dtype", t}});
    hits = InTopK(b, one_hot, y_pred, k);
  }
  return MeanOf(b, hits, w);
}

LoweredMetric LowerConfigured(GraphBuilder& b, const Metric& metric, ValueRef y_true,
                              ValueRef y_pred, ValueRef w) {
  const std::string& cls = metric.class_name();
  const json& c = metric.config();
  const std::string where = cls + " '" + metric.name() + "'";
  const std::string& kind = ConfiguredKinds().at(cls);
  if (kind == "binary_accuracy" || kind.ends_with("categorical_accuracy") ||
      kind == "accuracy_exact") {
    const int64_t k = Get<int64_t>(c, "k", 5);
    if (k < 1) throw ValueError(where + ": k must be positive");
    return MeanOfHits(b, kind, y_true, y_pred, w, Get<double>(c, "threshold", 0.5), k);
  }
  if (kind == "at_constraint") return LowerAtConstraint(b, cls, c, y_true, y_pred, w, where);
  if (kind == "fbeta")
    return LowerFBeta(b, c, cls == "F1Score" ? 1.0 : Get<double>(c, "beta", 1.0), y_true, y_pred, w,
                      where);
  if (kind == "iou") return LowerIoU(b, cls, c, y_true, y_pred, w, where);
  if (kind.starts_with("loss:")) {
    json args = c;
    args.erase("name");
    args.erase("dtype");
    ValueRef v = losses::Loss::FromConfig({{"class_name", kind.substr(5)}, {"config", args}})
                     .PerExample(b, y_true, y_pred);
    return MeanOf(b, cls == "CosineSimilarity" ? b.Op("Neg", {v}) : v, w);
  }
  return Stateful(b, kind, c, y_true, y_pred, w, where);
}

}  // namespace

Metric::Metric(std::string name) : name_(name), function_(std::move(name)) {
  if (name_.empty()) throw ValueError("a metric needs a name");
}

Metric Metric::FromConfig(const json& object) {
  if (object.is_string()) return Metric(object.get<std::string>());
  if (!object.is_object() || !object.contains("class_name") || !object["class_name"].is_string())
    throw ValueError("a serialized metric is a name or {\"class_name\", \"config\"}, got " +
                     object.dump().substr(0, 200));
  const std::string cls = object["class_name"];
  const json config = object.value("config", json::object());
  if (!config.is_object()) throw ValueError("metric " + cls + ": config is not an object");
  // tf.keras's wrapper of a metric function: the function, under the wrapper's name.
  if (cls == "MeanMetricWrapper") {
    if (!config.contains("fn") || !config["fn"].is_string())
      throw ValueError("MeanMetricWrapper: no metric function (fn) in its config");
    const std::string fn = config["fn"];
    const bool named = config.contains("name") && config["name"].is_string();
    return Metric(fn).Renamed(named ? config["name"].get<std::string>() : fn);
  }
  if (!ConfiguredKinds().count(cls)) {
    std::string known;
    for (const auto& [k, v] : ConfiguredKinds()) known += (known.empty() ? "" : ", ") + k;
    throw NotFoundError("Unknown metric class: '" + cls + "' (known: " + known + ")");
  }
  Metric m;
  m.class_name_ = cls;
  m.config_ = config;
  m.name_ = config.contains("name") && config["name"].is_string()
                ? config["name"].get<std::string>()
                : backend::ToSnakeCase(cls);
  m.config_["name"] = m.name_;
  if (!m.config_.contains("dtype")) m.config_["dtype"] = "float32";
  return m;
}

Metric Metric::Renamed(const std::string& name) const {
  Metric m = *this;
  m.name_ = name;
  if (!m.class_name_.empty()) m.config_["name"] = name;
  return m;
}

namespace {

Metric Configured(const std::string& cls, json config, const std::string& name) {
  if (!name.empty()) config["name"] = name;
  return Metric::FromConfig({{"class_name", cls}, {"config", config}});
}

json Optional(const auto& v) { return v ? json(*v) : json(); }

json ConfusionConfig(const ConfusionOptions& o) {
  return {{"thresholds", Optional(o.thresholds)},
          {"top_k", Optional(o.top_k)},
          {"class_id", Optional(o.class_id)}};
}

}  // namespace

Metric Precision(ConfusionOptions o) { return Configured("Precision", ConfusionConfig(o), o.name); }
Metric Recall(ConfusionOptions o) { return Configured("Recall", ConfusionConfig(o), o.name); }
Metric AUC(AUCOptions o) {
  return Configured("AUC",
                    {{"num_thresholds", o.num_thresholds},
                     {"curve", o.curve},
                     {"summation_method", "interpolation"},
                     {"multi_label", o.multi_label},
                     {"from_logits", o.from_logits}},
                    o.name);
}
Metric F1Score(FBetaOptions o) {
  return Configured("F1Score", {{"average", o.average}, {"threshold", Optional(o.threshold)}},
                    o.name);
}
Metric FBetaScore(FBetaOptions o) {
  return Configured(
      "FBetaScore",
      {{"average", o.average}, {"beta", o.beta}, {"threshold", Optional(o.threshold)}}, o.name);
}
Metric TopKCategoricalAccuracy(int64_t k, std::string name) {
  return Configured("TopKCategoricalAccuracy", {{"k", k}}, name);
}
Metric MeanIoU(int64_t num_classes, std::string name) {
  return Configured("MeanIoU", {{"num_classes", num_classes}}, name);
}

void Register(const std::string& name, MetricFn fn) {
  bool builtin = true;
  try {
    Resolve(name, "", Shape{kUnknownDim, 2});
  } catch (const NotFoundError&) {
    builtin = false;
  }
  if (builtin && !CustomMetrics().count(name))
    throw ValueError("metrics::Register: '" + name + "' is a Keras metric name");
  if (!fn) throw ValueError("metrics::Register: '" + name + "' has no function");
  CustomMetrics()[name] = std::make_shared<const MetricFn>(std::move(fn));
}

std::string Resolve(const Metric& m, const std::string& loss, const Shape& output_shape) {
  if (!m.class_name().empty()) return backend::ToSnakeCase(m.class_name());
  const std::string& metric = m.function();
  if (CustomMetrics().count(metric)) return metric;
  if (metric == "accuracy" || metric == "acc") {
    if (output_shape.dim(-1) == 1 || loss == losses::binary_crossentropy) return "binary_accuracy";
    if (loss == losses::sparse_categorical_crossentropy) return "sparse_categorical_accuracy";
    return "categorical_accuracy";
  }
  for (const char* n : kMeans)
    if (metric == n) return metric;
  if (auto it = kStateful.find(metric); it != kStateful.end()) return it->second;
  try {
    return losses::Loss(metric).function();
  } catch (const NotFoundError&) {
  }
  std::string known = "accuracy (acc)";
  for (const char* n : kMeans) known += std::string(", ") + n;
  for (const auto& [name, n] : kStateful)
    if (name == n) known += ", " + name;
  known += ", rmse, and the loss functions";
  throw NotFoundError("Unknown metric function: '" + metric + "' (known: " + known +
                      "; other Keras metric classes are metrics::Metric objects)");
}

json Saved(const Metric& m, const std::string& loss, const Shape& output_shape, bool keras3) {
  if (!m.class_name().empty()) {
    json o = {{"class_name", m.class_name()}, {"config", m.config()}};
    if (keras3) {
      o["module"] = "keras.metrics";
      o["registered_name"] = nullptr;
    }
    return o;
  }
  const std::string& name = m.function();
  if (name != "accuracy" && name != "acc") return name;
  const std::string tf_keras_on_load =
      output_shape.dim(-1) == 1 ? "binary_accuracy" : "categorical_accuracy";
  const std::string kiln = Resolve(m, loss, output_shape);
  return kiln == tf_keras_on_load ? name : kiln;
}

LoweredMetric Lower(GraphBuilder& b, const Metric& metric, const std::string& loss, ValueRef y_true,
                    ValueRef y_pred, ValueRef sample_weight) {
  auto scope = b.Scope("metrics/" + metric.name());
  const ValueRef w = sample_weight;
  if (!metric.class_name().empty()) return LowerConfigured(b, metric, y_true, y_pred, w);
  const std::string m = Resolve(metric, loss, b.type(y_pred).shape);
  if (auto it = CustomMetrics().find(m); it != CustomMetrics().end())
    return MeanOf(b, (*it->second)(b, y_true, y_pred), w);
  if (kStateful.count(m)) return Stateful(b, m, json::object(), y_true, y_pred, w, m);
  for (const char* n : kMeans)
    if (m == n) return MeanOfHits(b, m, y_true, y_pred, w, 0.5, 5);
  // A loss function as a metric: the mean of its per-example values (the cosine similarity
  // positive, as Keras's metric; the loss is its negative).
  ValueRef v = losses::Loss(m).PerExample(b, y_true, y_pred);
  return MeanOf(b, m == "cosine_similarity" ? b.Op("Neg", {v}) : v, w);
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
