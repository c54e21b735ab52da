// The regression losses: mean squared / absolute (percentage) / squared logarithmic error,
// Huber, log-cosh and cosine similarity, in Keras 3's arithmetic.
#include "keras/backend.h"
#include "keras/losses.h"

namespace kiln::keras::losses {
namespace {

using detail::MeanLastAxis;
using nlohmann::json;

DType TypeOf(GraphBuilder& b, ValueRef v) { return b.type(v).dtype; }

// max(x, 0) + log(1 + exp(-|x|)): softplus without overflow, differentiable everywhere.
ValueRef Softplus(GraphBuilder& b, ValueRef x) {
  const DType t = TypeOf(b, x);
  ValueRef tail =
      b.Op("Log", {b.Op("Add", {b.Scalar(1, t), b.Op("Exp", {b.Op("Neg", {b.Op("Abs", {x})})})})});
  return b.Op("Add", {b.Op("Relu", {x}), tail});
}

}  // namespace

KILN_REGISTER_LOSS(mse, "mean_squared_error", {"mse", "MSE"}, "MeanSquaredError", json::object(),
                   [](const json&) {
                     return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
                       return MeanLastAxis(b, b.Op("Square", {b.Op("Sub", {y_pred, y_true})}));
                     });
                   });

KILN_REGISTER_LOSS(mae, "mean_absolute_error", {"mae", "MAE"}, "MeanAbsoluteError", json::object(),
                   [](const json&) {
                     return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
                       return MeanLastAxis(b, b.Op("Abs", {b.Op("Sub", {y_pred, y_true})}));
                     });
                   });

// 100 * mean(|(y_true - y_pred) / max(|y_true|, eps)|)
KILN_REGISTER_LOSS(
    mape, "mean_absolute_percentage_error", {"mape", "MAPE"}, "MeanAbsolutePercentageError",
    json::object(), [](const json&) {
      return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
        const DType t = TypeOf(b, y_pred);
        ValueRef scale = b.Op("Maximum", {b.Op("Abs", {y_true}), b.Scalar(kEpsilon, t)});
        ValueRef diff = b.Op("Abs", {b.Op("Div", {b.Op("Sub", {y_true, y_pred}), scale})});
        return b.Op("Mul", {b.Scalar(100, t), MeanLastAxis(b, diff)});
      });
    });

// mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2)
KILN_REGISTER_LOSS(
    msle, "mean_squared_logarithmic_error", {"msle", "MSLE"}, "MeanSquaredLogarithmicError",
    json::object(), [](const json&) {
      return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
        const DType t = TypeOf(b, y_pred);
        auto log1p = [&](ValueRef v) {
          return b.Op("Log",
                      {b.Op("Add", {b.Op("Maximum", {v, b.Scalar(kEpsilon, t)}), b.Scalar(1, t)})});
        };
        return MeanLastAxis(b, b.Op("Square", {b.Op("Sub", {log1p(y_pred), log1p(y_true)})}));
      });
    });

// Keras: where(|e| <= delta, e^2 / 2, delta |e| - delta^2 / 2). With a = min(|e|, delta) that is
// a^2 / 2 + delta (|e| - a), the same values and gradients without a select.
KILN_REGISTER_LOSS(
    huber, "huber", {"huber_loss"}, "Huber", (json{{"delta", 1.0}}), [](const json& a) {
      const double delta = a["delta"];
      return LossFn([delta](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
        const DType t = TypeOf(b, y_pred);
        ValueRef abs_error = b.Op("Abs", {b.Op("Sub", {y_pred, y_true})});
        ValueRef d = b.Scalar(delta, t);
        ValueRef small = b.Op("Minimum", {abs_error, d});
        ValueRef quadratic = b.Op("Mul", {b.Scalar(0.5, t), b.Op("Square", {small})});
        ValueRef linear = b.Op("Mul", {d, b.Op("Sub", {abs_error, small})});
        return MeanLastAxis(b, b.Op("Add", {quadratic, linear}));
      });
    });

// x + softplus(-2x) - log(2), x = y_pred - y_true
KILN_REGISTER_LOSS(log_cosh, "log_cosh", {"logcosh"}, "LogCosh", json::object(), [](const json&) {
  return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
    const DType t = TypeOf(b, y_pred);
    ValueRef x = b.Op("Sub", {y_pred, y_true});
    ValueRef v = b.Op("Sub", {b.Op("Add", {x, Softplus(b, b.Op("Mul", {x, b.Scalar(-2, t)}))}),
                              b.Scalar(0.69314718055994530942, t)});
    return MeanLastAxis(b, v);
  });
});

// -sum(normalize(y_true) * normalize(y_pred))
KILN_REGISTER_LOSS(cosine_similarity, "cosine_similarity", {"cosine_proximity"}, "CosineSimilarity",
                   (json{{"axis", -1}}), [](const json&) {
                     return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
                       ValueRef dot = detail::SumLastAxis(
                           b, b.Op("Mul", {backend::L2Normalize(b, y_true, -1),
                                           backend::L2Normalize(b, y_pred, -1)}));
                       return b.Op("Neg", {dot});
                     });
                   });

}  // namespace kiln::keras::losses
