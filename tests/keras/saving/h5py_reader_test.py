"""Opens a Kiln-saved model with h5py, replays Keras's loader rules, recomputes the predictions in
numpy from the stored weights and config, and compares them with Kiln's predict()."""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pylib"))
import keras_numpy  # noqa: E402


strings = keras_numpy.strings


def main():
    writer = sys.argv[1]
    out = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
    subprocess.run([writer, out], check=True)
    f = h5py.File(os.path.join(out, "model.h5"), "r")

    # Root attributes as every Keras generation reads them.
    for key in ("keras_version", "backend", "model_config", "training_config"):
        assert key in f.attrs, key
        value = f.attrs[key]
        assert isinstance(value, (str, bytes)), (key, type(value))
    assert f.attrs["backend"] == "tensorflow"
    config = json.loads(f.attrs["model_config"])
    training = json.loads(f.attrs["training_config"])
    assert config["class_name"] == "Sequential"
    assert training["optimizer_config"]["class_name"] == "SGD"
    assert training["loss"] == "categorical_crossentropy"
    assert abs(training["optimizer_config"]["config"]["learning_rate"] - 0.1) < 1e-7

    # /model_weights: layer_names as a fixed-length byte-string array (numpy 'S').
    mw = f["model_weights"]
    layer_names = mw.attrs["layer_names"]
    assert layer_names.dtype.kind == "S", layer_names.dtype
    layer_names = strings(layer_names)
    layers = config["config"]["layers"]
    assert layers[0]["class_name"] == "InputLayer"
    assert [l["config"]["name"] for l in layers[1:]] == layer_names

    weights = {}
    for name in layer_names:
        wn = mw[name].attrs["weight_names"]
        if len(wn) == 0:
            assert wn.dtype == np.float64 and wn.shape == (0,), (name, wn.dtype, wn.shape)
            continue
        names = strings(wn)
        assert all(n.startswith(name + "/") and n.endswith(":0") for n in names), names
        weights[name] = [np.asarray(mw[name][n]) for n in names]
        for w in weights[name]:
            assert w.dtype == np.float32

    x = np.load(os.path.join(out, "x.npy"))
    want = np.load(os.path.join(out, "y.npy"))
    h = keras_numpy.forward(f, x)
    err = np.abs(h - want).max()
    print("max |numpy - kiln| =", err)
    assert err < 1e-5, err

    ow = f["optimizer_weights"]
    names = strings(ow.attrs["weight_names"])
    assert names[0] == "SGD/iter:0" and ow[names[0]].shape == () and ow[names[0]].dtype == np.int64
    assert int(ow[names[0]][()]) == 15  # 3 epochs of 5 steps
    print("OK")


if __name__ == "__main__":
    main()
