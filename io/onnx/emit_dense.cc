// Matrix products. FusedMatMul (made by passes/fuse_matmul_bias_activation) is expanded back
// into Gemm (with the bias as C) and its activation's own node.
#include "io/onnx/emitter.h"
#include "ops/activations.h"

namespace {
using kiln::io::onnx_export::IntAttr;
}

KILN_ONNX_EMITTER(MatMul) {
  e.Bind(0, e.Add("Gemm", {e.In(0), e.In(1)},
                  {IntAttr("transA", e.attrs().GetOr<bool>("transpose_a", false)),
                   IntAttr("transB", e.attrs().GetOr<bool>("transpose_b", false))}));
}

KILN_ONNX_EMITTER(FusedMatMul) {
  std::string y = e.Add("Gemm", {e.In(0), e.In(1), e.In(2)});
  const std::string& name = e.attrs().Get<std::string>("activation");
  const kiln::ops::ActivationDef* act = kiln::ops::FindActivation(name);
  if (!act) e.Fail("unknown activation '" + name + "'");
  using kiln::ops::Activation;
  switch (act->kind) {  // the fusable kinds (ops/activations.h's `fuses`)
    case Activation::kLinear:
      break;
    case Activation::kRelu:
      y = e.Add("Relu", {y});
      break;
    case Activation::kSigmoid:
      y = e.Add("Sigmoid", {y});
      break;
    case Activation::kTanh:
      y = e.Add("Tanh", {y});
      break;
    case Activation::kSoftmax:
      y = e.Add("Softmax", {y}, {IntAttr("axis", -1)});
      break;
    case Activation::kComposed:
      e.Fail("activation '" + name + "' does not fuse");
  }
  e.Bind(0, y);
}
