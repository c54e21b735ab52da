"""onnx_interop.py DIR NAME...: each DIR/NAME.onnx passes onnx.checker.check_model(full_check=True)
and onnxruntime predicts Kiln's DIR/NAME_y.npy from DIR/NAME_x.npy: max |ort - kiln| <= 1e-5 for
every model (measured: <= 4e-8). Prints every measured diff, and each output's spread across the
batch: the small models' must be > 1e-4 (a constant model would hide a wiring error); the random,
untrained applications models' softmax outputs barely depend on the input (spread ~1e-8 for
MobileNetV2, EfficientNetB0 and VGG16), so for those the check is weaker than it looks."""
import sys

import numpy as np
import onnx
import onnxruntime as ort

SMALL = {"tutorial_mlp", "cnn", "functional_block"}

out, names = sys.argv[1], sys.argv[2:]
print("onnx", onnx.__version__, "onnxruntime", ort.__version__)
failed = []
for name in names:
    path = f"{out}/{name}.onnx"
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    assert model.opset_import[0].version == 17 and model.ir_version == 8, path
    assert model.producer_name == "kiln", model.producer_name
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "N"
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    x = np.load(f"{out}/{name}_x.npy")
    want = np.load(f"{out}/{name}_y.npy")
    got = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    assert got.shape == want.shape, (name, got.shape, want.shape)
    err = float(np.abs(got - want).max())
    tol = 1e-5
    # The predictions must not be trivially equal (a constant model would hide a wiring error).
    spread = float(np.abs(want - want.mean(axis=0)).max())
    ok = err <= tol and (spread > 1e-4 or name not in SMALL)
    print(f"{name}: {len(model.graph.node)} nodes, max |onnxruntime - kiln| = {err:.3g} "
          f"(tolerance {tol:.3g}), output spread {spread:.3g}: {'ok' if ok else 'FAIL'}")
    if not ok:
        failed.append(name)
    # The batch dimension is dynamic: one sample alone gives its row of the batch's answer.
    one = sess.run(None, {sess.get_inputs()[0].name: x[:1]})[0]
    assert float(np.abs(one - got[:1]).max()) <= 1e-5, name
if failed:
    sys.exit("FAILED: " + ", ".join(failed))
print("OK")
