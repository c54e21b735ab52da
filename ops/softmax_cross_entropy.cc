#include "ops/common.h"

namespace kiln::ops {
namespace {

KILN_REGISTER_OP(OpDef{
    .name = "SoftmaxCrossEntropy",
    .inputs = {{"logits", kFloatTypes, "T"}, {"labels", kFloatTypes, "T"}},
    .outputs = {{"loss"}, {"backprop"}},
    .shape_fn = [](const InferenceContext& c) -> std::vector<TensorType> {
      if (c.shape(0).rank() != 2) c.Fail("logits must be [batch, classes]");
      if (!c.shape(0).IsCompatibleWith(c.shape(1))) c.Fail("labels and logits differ in shape");
      return {{c.dtype(0), Shape{c.shape(0)[0]}}, c.inputs[0]};
    },
    // d loss / d logits = softmax - labels, which the kernel already produced as "backprop".
    .grad_fn = [](GradContext& c) -> Grads {
      auto& b = c.b;
      if (c.dy(1).valid())
        throw Error("SoftmaxCrossEntropy (node \x27" + c.node.name +
                    "\x27): its backprop output is not differentiable");
      ValueRef g =
          b.Op("BroadcastToShapeOf", {c.dy(0), c.x(0)}, {{"axes", std::vector<int64_t>{1}}});
      ValueRef dlabels = b.Op("Mul", {g, b.Op("Neg", {b.Op("LogSoftmax", {c.x(0)})})});
      return {b.Op("Mul", {g, c.y(1)}), dlabels};
    },
    .doc = "Per-example -sum(labels * log_softmax(logits)); second output softmax - labels.",
});

}  // namespace
}  // namespace kiln::ops
