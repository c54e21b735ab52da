// The hinge losses (hinge, squared hinge, categorical hinge), in Keras 3's arithmetic.
#include "keras/losses.h"

namespace kiln::keras::losses {
namespace {

using nlohmann::json;

// Keras: labels that are all 0 or 1 (over the whole batch) become -1 or 1; others stay.
ValueRef HingeLabels(GraphBuilder& b, ValueRef y_true) {
  const DType t = b.type(y_true).dtype;
  auto is = [&](double v) {
    return b.Op("Cast", {b.Op("Equal", {y_true, b.Scalar(v, t)})}, {{"dtype", t}});
  };
  ValueRef other = b.Op("Sub", {b.Op("Sub", {b.Scalar(1, t), is(0)}), is(1)});  // 1 where neither
  ValueRef any_other = b.Op("ReduceMax", {other});                              // scalar 0 or 1
  ValueRef converted = b.Op("Sub", {b.Op("Mul", {b.Scalar(2, t), y_true}), b.Scalar(1, t)});
  return b.Op("Add", {b.Op("Mul", {b.Op("Sub", {b.Scalar(1, t), any_other}), converted}),
                      b.Op("Mul", {any_other, y_true})});
}

// max(1 - y_true * y_pred, 0)
ValueRef Margin(GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
  const DType t = b.type(y_pred).dtype;
  return b.Op("Relu",
              {b.Op("Sub", {b.Scalar(1, t), b.Op("Mul", {HingeLabels(b, y_true), y_pred})})});
}

}  // namespace

KILN_REGISTER_LOSS(hinge, "hinge", {}, "Hinge", json::object(), [](const json&) {
  return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
    return detail::MeanLastAxis(b, Margin(b, y_true, y_pred));
  });
});

KILN_REGISTER_LOSS(squared_hinge, "squared_hinge", {}, "SquaredHinge", json::object(),
                   [](const json&) {
                     return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
                       return detail::MeanLastAxis(b, b.Op("Square", {Margin(b, y_true, y_pred)}));
                     });
                   });

// max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)
KILN_REGISTER_LOSS(
    categorical_hinge, "categorical_hinge", {}, "CategoricalHinge", json::object(),
    [](const json&) {
      return LossFn([](GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
        const DType t = b.type(y_pred).dtype;
        ValueRef pos = detail::SumLastAxis(b, b.Op("Mul", {y_true, y_pred}));
        ValueRef neg =
            b.Op("ReduceMax", {b.Op("Mul", {b.Op("Sub", {b.Scalar(1, t), y_true}), y_pred})},
                 {{"axes", std::vector<int64_t>{-1}}});
        return b.Op("Relu", {b.Op("Add", {b.Op("Sub", {neg, pos}), b.Scalar(1, t)})});
      });
    });

}  // namespace kiln::keras::losses
