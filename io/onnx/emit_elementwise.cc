// Element-wise ops. Kiln's binary ops broadcast as numpy does, and so do ONNX's, so each is one
// ONNX node.
#include "io/onnx/emitter.h"

KILN_ONNX_EMITTER(Add) { e.Binary("Add"); }
KILN_ONNX_EMITTER(Sub) { e.Binary("Sub"); }
KILN_ONNX_EMITTER(Mul) { e.Binary("Mul"); }
KILN_ONNX_EMITTER(Div) { e.Binary("Div"); }
KILN_ONNX_EMITTER(Pow) { e.Binary("Pow"); }
KILN_ONNX_EMITTER(Maximum) { e.Binary("Max"); }
KILN_ONNX_EMITTER(Minimum) { e.Binary("Min"); }
KILN_ONNX_EMITTER(Equal) { e.Binary("Equal"); }
KILN_ONNX_EMITTER(GreaterEqual) { e.Binary("GreaterOrEqual"); }
// x + bias along the last dimension: numpy broadcasting of a vector does exactly that.
KILN_ONNX_EMITTER(BiasAdd) { e.Binary("Add"); }

KILN_ONNX_EMITTER(Relu) { e.Unary("Relu"); }
KILN_ONNX_EMITTER(Sigmoid) { e.Unary("Sigmoid"); }
KILN_ONNX_EMITTER(Tanh) { e.Unary("Tanh"); }
KILN_ONNX_EMITTER(Exp) { e.Unary("Exp"); }
KILN_ONNX_EMITTER(Log) { e.Unary("Log"); }
KILN_ONNX_EMITTER(Sqrt) { e.Unary("Sqrt"); }
KILN_ONNX_EMITTER(Neg) { e.Unary("Neg"); }
KILN_ONNX_EMITTER(Abs) { e.Unary("Abs"); }
KILN_ONNX_EMITTER(Sign) { e.Unary("Sign"); }
KILN_ONNX_EMITTER(Erf) { e.Unary("Erf"); }
KILN_ONNX_EMITTER(Square) { e.Bind(0, e.Add("Mul", {e.In(0), e.In(0)})); }

KILN_ONNX_EMITTER(ClipByValue) {
  const kiln::DType t = e.InType(0).dtype;
  e.Bind(0, e.Add("Clip", {e.In(0), e.FloatScalar(e.attrs().Get<double>("min"), t),
                           e.FloatScalar(e.attrs().Get<double>("max"), t)}));
}

KILN_ONNX_EMITTER(Cast) {
  e.Bind(0,
         e.Add("Cast", {e.In(0)},
               {kiln::io::onnx_export::IntAttr(
                   "to", kiln::io::onnx_export::OnnxDType(e.attrs().Get<kiln::DType>("dtype")))}));
}

// Opset 13+ Softmax normalizes along one axis, as Kiln's does (opset < 13 flattened).
KILN_ONNX_EMITTER(Softmax) {
  e.Bind(0, e.Add("Softmax", {e.In(0)},
                  {kiln::io::onnx_export::IntAttr("axis", e.attrs().Get<int64_t>("axis"))}));
}

KILN_ONNX_EMITTER(LogSoftmax) {
  e.Bind(0, e.Add("LogSoftmax", {e.In(0)},
                  {kiln::io::onnx_export::IntAttr("axis", e.attrs().Get<int64_t>("axis"))}));
}

// Inference graphs keep Dropout only when a model asked for it at inference; Keras's predict
// never drops, so the exported graph passes x through (output 1, the mask, has no consumers
// there).
KILN_ONNX_EMITTER(Dropout) { e.Bind(0, e.Add("Identity", {e.In(1)})); }
