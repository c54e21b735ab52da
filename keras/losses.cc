#include "keras/losses.h"

namespace kiln::keras::losses {
namespace {

using Axes = std::vector<int64_t>;

ValueRef MeanLastAxis(GraphBuilder& b, ValueRef x) {
  return b.Op("ReduceMean", {x}, {{"axes", Axes{-1}}});
}

// The producer's input when y_pred comes straight out of `op`, else an invalid ref.
ValueRef LogitsIfProducedBy(GraphBuilder& b, ValueRef y_pred, const std::string& op) {
  const Node& n = b.graph().node(y_pred.node);
  if (n.op != op) return {};
  if (op == "Softmax" && n.attrs.Get<int64_t>("axis") != -1 &&
      n.attrs.Get<int64_t>("axis") != n.outputs[0].shape.rank() - 1)
    return {};
  return n.inputs[0];
}

ValueRef CategoricalPerExample(GraphBuilder& b, ValueRef y_true, ValueRef y_pred) {
  if (ValueRef logits = LogitsIfProducedBy(b, y_pred, "Softmax");
      logits.valid() && b.type(logits).shape.rank() == 2)
    return b.OpN("SoftmaxCrossEntropy", {logits, y_true})[0];
  // Keras: p /= sum(p, -1); clip to [eps, 1 - eps]; -sum(y * log(p), -1).
  ValueRef sum = b.Op("ReduceSum", {y_pred}, {{"axes", Axes{-1}}, {"keep_dims", true}});
  ValueRef p =
      b.Op("ClipByValue", {b.Op("Div", {y_pred, sum})}, {{"min", kEpsilon}, {"max", 1 - kEpsilon}});
  return b.Op("Neg",
              {b.Op("ReduceSum", {b.Op("Mul", {y_true, b.Op("Log", {p})})}, {{"axes", Axes{-1}}})});
}

}  // namespace

std::string Canonical(const std::string& name) {
  if (name == mse || name == mean_squared_error) return mean_squared_error;
  if (name == mae || name == mean_absolute_error) return mean_absolute_error;
  if (name == binary_crossentropy || name == categorical_crossentropy ||
      name == sparse_categorical_crossentropy)
    return name;
  throw NotFoundError("Unknown loss function: '" + name +
                      "' (known: mean_squared_error (mse), mean_absolute_error (mae), "
                      "binary_crossentropy, "
                      "categorical_crossentropy, sparse_categorical_crossentropy)");
}

Shape TargetShape(const std::string& loss, const Shape& output_shape) {
  if (Canonical(loss) == sparse_categorical_crossentropy) return Shape{output_shape[0]};
  return output_shape;
}

ValueRef Lower(GraphBuilder& b, const std::string& loss, ValueRef y_true, ValueRef y_pred) {
  auto scope = b.Scope("loss");
  const std::string name = Canonical(loss);
  const DType t = b.type(y_pred).dtype;
  ValueRef per_example;
  if (name == mean_squared_error) {
    per_example = MeanLastAxis(b, b.Op("Square", {b.Op("Sub", {y_pred, y_true})}));
  } else if (name == mean_absolute_error) {
    per_example = MeanLastAxis(b, b.Op("Abs", {b.Op("Sub", {y_pred, y_true})}));
  } else if (name == binary_crossentropy) {
    if (ValueRef logits = LogitsIfProducedBy(b, y_pred, "Sigmoid"); logits.valid()) {
      per_example = MeanLastAxis(b, b.Op("SigmoidCrossEntropy", {logits, y_true}));
    } else {
      // Keras: clip, then -(y log(p + eps) + (1 - y) log(1 - p + eps)).
      ValueRef p = b.Op("ClipByValue", {y_pred}, {{"min", kEpsilon}, {"max", 1 - kEpsilon}});
      ValueRef eps = b.Scalar(kEpsilon, t), one = b.Scalar(1, t);
      ValueRef pos = b.Op("Mul", {y_true, b.Op("Log", {b.Op("Add", {p, eps})})});
      ValueRef neg = b.Op("Mul", {b.Op("Sub", {one, y_true}),
                                  b.Op("Log", {b.Op("Add", {b.Op("Sub", {one, p}), eps})})});
      per_example = MeanLastAxis(b, b.Op("Neg", {b.Op("Add", {pos, neg})}));
    }
  } else if (name == categorical_crossentropy) {
    per_example = CategoricalPerExample(b, y_true, y_pred);
  } else {  // sparse: integer class ids (fed as floats) -> one-hot
    const int64_t classes = b.type(y_pred).shape.dim(-1);
    ValueRef ids = b.Op("Cast", {y_true}, {{"dtype", kInt64}});
    ValueRef one_hot = b.Op("OneHot", {ids}, {{"depth", classes}, {"dtype", t}});
    per_example = CategoricalPerExample(b, one_hot, y_pred);
  }
  return b.Op("ReduceMean", {per_example}, {}, "value");
}

}  // namespace kiln::keras::losses
