// The probabilistic losses: binary, categorical and sparse categorical crossentropy (from
// probabilities or logits, with label smoothing), their focal forms, KL divergence and Poisson,
// in Keras 3's arithmetic.
#include "keras/losses.h"

namespace kiln::keras::losses {
namespace {

using detail::LogitsIfProducedBy;
using detail::MeanLastAxis;
using detail::SumLastAxis;
using nlohmann::json;

const json kCrossentropyDefaults = {{"from_logits", false}, {"label_smoothing", 0.0}, {"axis", -1}};

ValueRef One(GraphBuilder& b, ValueRef like) { return b.Scalar(1, b.type(like).dtype); }

ValueRef Clip(GraphBuilder& b, ValueRef p) {
  return b.Op("ClipByValue", {p}, {{"min", kEpsilon}, {"max", 1 - kEpsilon}});
}

// y (1 - s) + s / k: k is 2 for the binary losses, the class count for the categorical ones.
ValueRef Smooth(GraphBuilder& b, ValueRef y_true, double s, double k) {
  if (s == 0) return y_true;
  const DType t = b.type(y_true).dtype;
  return b.Op("Add", {b.Op("Mul", {y_true, b.Scalar(1 - s, t)}), b.Scalar(s / k, t)});
}

// Elementwise -(y log(p + eps) + (1 - y) log(1 - p + eps)) of clipped probabilities: Keras 2's and
// tf.keras's form (Keras 3 drops the + eps; the two differ near saturation, by log(2) at p = 0).
ValueRef BinaryFromProbabilities(GraphBuilder& b, ValueRef y, ValueRef p) {
  ValueRef c = Clip(b, p), one = One(b, p), eps = b.Scalar(kEpsilon, b.type(p).dtype);
  ValueRef pos = b.Op("Mul", {y, b.Op("Log", {b.Op("Add", {c, eps})})});
  ValueRef neg = b.Op(
      "Mul", {b.Op("Sub", {one, y}), b.Op("Log", {b.Op("Add", {b.Op("Sub", {one, c}), eps})})});
  return b.Op("Neg", {b.Op("Add", {pos, neg})});
}

// -sum(y log softmax(x)) or, for probabilities, -sum(y log clip(p / sum(p))).
ValueRef CategoricalPerExample(GraphBuilder& b, ValueRef y, ValueRef y_pred, bool from_logits) {
  ValueRef logits = from_logits ? y_pred : LogitsIfProducedBy(b, y_pred, "Softmax");
  if (logits.valid() && b.type(logits).shape.rank() == 2)
    return b.OpN("SoftmaxCrossEntropy", {logits, y})[0];
  ValueRef log_p =
      logits.valid() ? b.Op("LogSoftmax", {logits})
                     : b.Op("Log", {Clip(b, b.Op("Div", {y_pred, SumLastAxis(b, y_pred, true)}))});
  return b.Op("Neg", {SumLastAxis(b, b.Op("Mul", {y, log_p}))});
}

ValueRef ClassCount(GraphBuilder& b, ValueRef y_pred) {
  const int64_t k = b.type(y_pred).shape.dim(-1);
  if (k < 0) throw ValueError("categorical losses need a known class count (the last axis)");
  return b.Scalar(static_cast<double>(k), b.type(y_pred).dtype);
}

ValueRef OneHot(GraphBuilder& b, ValueRef ids, ValueRef y_pred) {
  const int64_t k = b.type(y_pred).shape.dim(-1);
  return b.Op("OneHot", {b.Op("Cast", {ids}, {{"dtype", kInt64}})},
              {{"depth", k}, {"dtype", b.type(y_pred).dtype}});
}

}  // namespace

KILN_REGISTER_LOSS(binary_crossentropy, "binary_crossentropy", {"bce", "BCE"}, "BinaryCrossentropy",
                   kCrossentropyDefaults, [](const json& a) {
                     const bool from_logits = a["from_logits"];
                     const double s = a["label_smoothing"];
                     return LossFn([=](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
                       ValueRef y = Smooth(b, y_true, s, 2);
                       ValueRef logits =
                           from_logits ? y_pred : LogitsIfProducedBy(b, y_pred, "Sigmoid");
                       return MeanLastAxis(b, logits.valid()
                                                  ? b.Op("SigmoidCrossEntropy", {logits, y})
                                                  : BinaryFromProbabilities(b, y, y_pred));
                     });
                   });

KILN_REGISTER_LOSS(categorical_crossentropy, "categorical_crossentropy", {},
                   "CategoricalCrossentropy", kCrossentropyDefaults, [](const json& a) {
                     const bool from_logits = a["from_logits"];
                     const double s = a["label_smoothing"];
                     return LossFn([=](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
                       ValueRef y = y_true;
                       if (s != 0)
                         y = b.Op("Add", {b.Op("Mul", {y_true, b.Scalar(1 - s)}),
                                          b.Op("Div", {b.Scalar(s), ClassCount(b, y_pred)})});
                       return CategoricalPerExample(b, y, y_pred, from_logits);
                     });
                   });

// Class ids (fed as floats, any integer dtype converted) to one-hot rows.
KILN_REGISTER_LOSS(
    sparse_categorical_crossentropy, "sparse_categorical_crossentropy", {},
    "SparseCategoricalCrossentropy",
    (json{{"from_logits", false}, {"ignore_class", nullptr}, {"axis", -1}}),
    [](const json& a) {
      const bool from_logits = a["from_logits"];
      return LossFn([=](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
        return CategoricalPerExample(b, OneHot(b, y_true, y_pred), y_pred, from_logits);
      });
    },
    /*sparse=*/true);

// mean((1 - p_t)^gamma * bce), p_t = y p + (1 - y)(1 - p); with class balancing, times
// y alpha + (1 - y)(1 - alpha).
KILN_REGISTER_LOSS(
    binary_focal_crossentropy, "binary_focal_crossentropy", {}, "BinaryFocalCrossentropy",
    (json{{"apply_class_balancing", false},
          {"alpha", 0.25},
          {"gamma", 2.0},
          {"from_logits", false},
          {"label_smoothing", 0.0},
          {"axis", -1}}),
    [](const json& a) {
      const bool balance = a["apply_class_balancing"], from_logits = a["from_logits"];
      const double alpha = a["alpha"], gamma = a["gamma"], s = a["label_smoothing"];
      return LossFn([=](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
        const DType t = b.type(y_pred).dtype;
        ValueRef y = Smooth(b, y_true, s, 2);
        ValueRef p = from_logits ? b.Op("Sigmoid", {y_pred}) : y_pred;
        ValueRef one = One(b, p), not_y = b.Op("Sub", {one, y});
        ValueRef p_t =
            b.Op("Add", {b.Op("Mul", {y, p}), b.Op("Mul", {not_y, b.Op("Sub", {one, p})})});
        ValueRef focal = b.Op("Mul", {b.Op("Pow", {b.Op("Sub", {one, p_t}), b.Scalar(gamma, t)}),
                                      BinaryFromProbabilities(b, y, p)});
        if (balance)
          focal = b.Op("Mul", {b.Op("Add", {b.Op("Mul", {y, b.Scalar(alpha, t)}),
                                            b.Op("Mul", {not_y, b.Scalar(1 - alpha, t)})}),
                               focal});
        return MeanLastAxis(b, focal);
      });
    });

// sum(alpha (1 - p)^gamma * -y log p), p = clip(y_pred / sum(y_pred)) (softmax first for logits)
KILN_REGISTER_LOSS(categorical_focal_crossentropy, "categorical_focal_crossentropy", {},
                   "CategoricalFocalCrossentropy",
                   (json{{"alpha", 0.25},
                         {"gamma", 2.0},
                         {"from_logits", false},
                         {"label_smoothing", 0.0},
                         {"axis", -1}}),
                   [](const json& a) {
                     const bool from_logits = a["from_logits"];
                     const double alpha = a["alpha"], gamma = a["gamma"], s = a["label_smoothing"];
                     return LossFn([=](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
                       const DType t = b.type(y_pred).dtype;
                       ValueRef y = y_true;
                       if (s != 0)
                         y = b.Op("Add", {b.Op("Mul", {y_true, b.Scalar(1 - s, t)}),
                                          b.Op("Div", {b.Scalar(s, t), ClassCount(b, y_pred)})});
                       ValueRef probs = from_logits ? b.Op("Softmax", {y_pred}) : y_pred;
                       ValueRef p = Clip(b, b.Op("Div", {probs, SumLastAxis(b, probs, true)}));
                       ValueRef cce = b.Op("Neg", {b.Op("Mul", {y, b.Op("Log", {p})})});
                       ValueRef w = b.Op(
                           "Mul", {b.Op("Pow", {b.Op("Sub", {One(b, p), p}), b.Scalar(gamma, t)}),
                                   b.Scalar(alpha, t)});
                       return SumLastAxis(b, b.Op("Mul", {w, cce}));
                     });
                   });

// sum(y log(y / p)) over clip(., eps, 1)
KILN_REGISTER_LOSS(kl_divergence, "kl_divergence", {"kld", "KLD", "kullback_leibler_divergence"},
                   "KLDivergence", json::object(), [](const json&) {
                     return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
                       auto clip = [&](ValueRef v) {
                         return b.Op("ClipByValue", {v}, {{"min", kEpsilon}, {"max", 1.0}});
                       };
                       ValueRef y = clip(y_true), p = clip(y_pred);
                       return SumLastAxis(b, b.Op("Mul", {y, b.Op("Log", {b.Op("Div", {y, p})})}));
                     });
                   });

// mean(p - y log(p + eps))
KILN_REGISTER_LOSS(poisson, "poisson", {}, "Poisson", json::object(), [](const json&) {
  return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
    const DType t = b.type(y_pred).dtype;
    ValueRef log_p = b.Op("Log", {b.Op("Add", {y_pred, b.Scalar(kEpsilon, t)})});
    return MeanLastAxis(b, b.Op("Sub", {y_pred, b.Op("Mul", {y_true, log_p})}));
  });
});

}  // namespace kiln::keras::losses
