// Graph leaves: Variables (the weights, by name from the VariableStore) and Consts become
// initializers with exactly Kiln's values.
#include "io/onnx/emitter.h"

KILN_ONNX_EMITTER(Variable) {
  if (!e.variables()) e.Fail("no variable store to read the weight from");
  e.Bind(0, e.Initializer(e.variables()->Get(e.node().name), e.node().name));
}

KILN_ONNX_EMITTER(Const) {
  e.Bind(0, e.Initializer(e.attrs().Get<kiln::Tensor>("value"), e.node().name));
}
