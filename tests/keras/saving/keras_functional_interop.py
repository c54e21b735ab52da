"""Real Keras loads the functional models Kiln trained and saved (write_functional_models OUT).

  keras_functional_interop.py tfkeras OUT   tf.keras 2.x, the files saved for it
  keras_functional_interop.py keras3 OUT    Keras 3, the files saved for it

For each model: load_model finds Kiln's layers, predicts every output as Kiln did (1e-5), is
compiled with Kiln's losses, loss weights and metrics (evaluate gives Kiln's numbers, 1e-5), and
fit continues: one more epoch lowers nothing to NaN and moves the weights.
"""
import json
import sys

import numpy as np

which, out = sys.argv[1:3]
if which == "tfkeras":
    import tf_keras as keras
else:
    import keras


def keras3_trainable(keras, path):
    """Keras 3.15's load_model(compile=True) builds the optimizer for model._trainable_variables,
    which its legacy .h5 loader leaves empty, so the loaded model cannot fit ("optimizer was built
    with 0 variables"; its own files no less than Kiln's; keras_interop.py's keras3_load has the
    whole story). Compiled again from the file's training_config, with the optimizer built for the
    model's variables and the file's optimizer weights set, it trains."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format, saving_utils
    model = keras.models.load_model(path, compile=False)
    with h5py.File(path, "r") as f:
        model.compile(**saving_utils.compile_args_from_training_config(json.loads(f.attrs["training_config"])))
        model.optimizer.build(model.trainable_variables)
        values = legacy_h5_format.load_optimizer_weights_from_hdf5_group(f)
        assert len(values) == len(model.optimizer.variables), (len(values), len(model.optimizer.variables))
        model.optimizer.set_weights(values)
    return model


for name in ("residual", "two_io", "shared_nested", "sequence"):
    meta = json.load(open(f"{out}/{name}.json"))
    x = [np.load(f"{out}/{name}.x.{i}.npy") for i in range(meta["inputs"])]
    want = [np.load(f"{out}/{name}.y.{i}.npy") for i in range(meta["outputs"])]
    targets = [np.load(f"{out}/{name}.t.{i}.npy") for i in range(meta["outputs"])]
    model = keras.models.load_model(f"{out}/{name}.{which}.h5")
    classes = [l.__class__.__name__ for l in model.layers]
    # Kiln writes a nested Sequential in the functional form (so that tf.keras and Keras 3 agree
    # on its node indices): Keras builds it as a Functional model.
    kiln = ["Functional" if c == "Sequential" else c for c in meta["layers"]]
    assert classes == kiln, (name, classes, kiln)
    got = model.predict(x if len(x) > 1 else x[0], verbose=0)
    got = got if isinstance(got, list) else [got]
    err = max(float(np.abs(g - w).max()) for g, w in zip(got, want))
    print(which, keras.__version__, name, "max |keras - kiln| =", err)
    assert len(got) == len(want) and err < 1e-5, (name, err)

    scores = model.evaluate(x, targets, batch_size=8, verbose=0, return_dict=True)
    # Keras 3 names a metric it reloads from the name "mae" by its function (reg_mean_absolute_error),
    # as for the training_config it writes itself ({"reg": ["mae"]}, which Kiln writes too).
    scores = {k.replace("mean_absolute_error", "mae"): v for k, v in scores.items()}
    print("  evaluate", {k: round(v, 6) for k, v in scores.items()}, "kiln", meta["evaluate"])
    assert abs(scores["loss"] - meta["evaluate"]["loss"]) < 1e-5, (name, scores, meta["evaluate"])
    assert sorted(scores) == sorted(meta["evaluate"]), (name, sorted(scores), sorted(meta["evaluate"]))
    for key, value in meta["evaluate"].items():
        assert abs(scores[key] - value) < 1e-5, (name, key, scores[key], value)

    if which == "keras3":
        model = keras3_trainable(keras, f"{out}/{name}.{which}.h5")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, targets, batch_size=8, epochs=1, verbose=0)
    loss = history.history["loss"][-1]
    moved = max(float(np.abs(a - b).max()) for a, b in zip(before, model.get_weights()))
    print("  fit continues: loss", loss, "weights moved by", moved)
    assert np.isfinite(loss) and moved > 1e-6, (name, loss, moved)
print("OK", which)
