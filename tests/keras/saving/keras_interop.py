"""Real Keras against Kiln's files, both ways (run by keras_interop_test.sh in a venv with tf_keras
on TensorFlow and Keras 3 on JAX).

  keras_interop.py tfkeras OUT RESUME_MODELS   tf.keras 2.x
  keras_interop.py keras3 OUT RESUME_MODELS    Keras 3

OUT holds what `resume_models write OUT` wrote. For each Kiln file saved for this Keras after 3
steps, Keras loads it (compile=True), must find the optimizer's 3 steps, and its next 2 steps must
land where Kiln's own 2 more steps landed, within 1e-6 relative to each weight's scale. tf.keras
also writes its own optimizer_v2 (tf.keras.optimizers.legacy) files, which Kiln resumes the same
way. The sparse classifier's accuracy must be what Kiln computed.
"""
import json
import os
import subprocess
import sys

import numpy as np

TOL = 1e-6


def relative_error(got, want):
    return float(np.max(np.abs(got - want)) / max(float(np.max(np.abs(want))), 1e-30))


def check_weights(label, got, want_prefix):
    worst = 0.0
    for i, g in enumerate(got):
        want = np.load(f"{want_prefix}.{i}.npy")
        assert g.shape == want.shape, (label, i, g.shape, want.shape)
        worst = max(worst, relative_error(np.asarray(g, np.float64), want.astype(np.float64)))
    print(f"  {label}: max relative error {worst:.3g}")
    assert worst <= TOL, (label, worst)


def keras3_load(keras, path, steps=3):
    """Keras 3.15's own .h5 loading, with its optimizer built for the model's variables.

    load_model(compile=True) compiles from the training_config and restores the optimizer state,
    but it builds the optimizer for model._trainable_variables, which is empty for a Sequential:
    the step count and learning rate are set, the slots are dropped without a word, and the model
    cannot train afterwards ("optimizer was built with 0 variables"), Keras 3's own .h5 files no
    less than Kiln's. So this does what that loader means to do, with Keras's own functions: the
    compile arguments from the file's training_config, optimizer.build(model.trainable_variables)
    and optimizer.set_weights(the file's /optimizer_weights in weight_names order)."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format, saving_utils
    loaded = keras.models.load_model(path)  # compile=True must work on Kiln's file
    assert int(np.asarray(loaded.optimizer.iterations)) == steps, "load_model dropped the step count"
    model = keras.models.load_model(path, compile=False)
    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["training_config"])
        model.compile(**saving_utils.compile_args_from_training_config(config))
        model.optimizer.build(model.trainable_variables)
        values = legacy_h5_format.load_optimizer_weights_from_hdf5_group(f)
        assert len(values) == len(model.optimizer.variables), (len(values),
                                                               len(model.optimizer.variables))
        model.optimizer.set_weights(values)
    return model


MORE_OPTIMIZERS = ["adamw", "adagrad", "adadelta", "adamax", "ftrl", "lion", "adam-schedule",
                   "adam-ema"]


def resume_in_keras(keras, out, target, names):
    rx, ry = np.load(f"{out}/resume_x.npy"), np.load(f"{out}/resume_y.npy")
    for name in names:
        path = f"{out}/{target}_{name}.h5"
        model = keras3_load(keras, path) if target == "keras3" else keras.models.load_model(path)
        steps = int(np.asarray(model.optimizer.iterations))
        assert steps == 3, (path, "optimizer state not restored: iterations", steps)
        if target == "tfkeras":
            # Every optimizer variable restored (tf.keras's set_weights also stops early silently).
            variables = model.optimizer.variables  # a method in optimizer_v2
            variables = variables() if callable(variables) else variables
            assert len(variables) == len(h5py_names(path)), (path, len(variables))
        for b in range(2):
            model.train_on_batch(rx[8 * b:8 * b + 8], ry[8 * b:8 * b + 8])
        check_weights(f"Kiln -> {target} {name} ({type(model.optimizer).__module__})",
                      model.get_weights(), f"{out}/{target}_{name}.after")


def check_loss_objects(keras, out, target):
    """Kiln's files with configured loss objects: each Keras compiles the loss from the file and
    evaluates what Kiln evaluated."""
    for name in ["huber", "cce-logits", "msle-sum"]:
        x, y = np.load(f"{out}/loss_{name}.x.npy"), np.load(f"{out}/loss_{name}.y.npy")
        path = f"{out}/{target}_loss_{name}.h5"
        model = keras3_load(keras, path) if target == "keras3" else keras.models.load_model(path)
        want, want_weighted = np.load(f"{path[:-3]}.evaluate.npy")
        got = float(np.asarray(model.evaluate(x, y, batch_size=16, verbose=0)).reshape(-1)[0])
        w = 0.25 * np.arange(16, dtype="float32")
        got_weighted = float(np.asarray(model.evaluate(x, y, sample_weight=w, batch_size=16,
                                                       verbose=0)).reshape(-1)[0])
        print(f"  loss {name} ({type(model.loss).__name__}): keras {got:.7f}, kiln {want:.7f}; "
              f"with sample weights keras {got_weighted:.7f}, kiln {want_weighted:.7f}")
        for g, k in ((got, want), (got_weighted, want_weighted)):
            assert abs(g - k) <= 1e-6 * abs(k) + 1e-7, (path, g, k)


def check_metric_objects(keras, out, target):
    """Kiln's file with configured metric objects and weighted_metrics: each Keras rebuilds them
    from the training_config and, evaluating with the same sample weights, gets Kiln's numbers."""
    x, y, w = (np.load(f"{out}/metrics.{k}.npy") for k in ("x", "y", "w"))
    path = f"{out}/{target}_metrics.h5"
    model = keras3_load(keras, path, steps=10) if target == "keras3" else keras.models.load_model(path)
    want = np.load(f"{out}/{target}_metrics.evaluate.npy")
    names = open(f"{out}/{target}_metrics.names.txt").read().split()
    got = model.evaluate(x, y, sample_weight=w, batch_size=40, verbose=0, return_dict=True)
    print(f"  metric objects: keras {got}")
    print(f"                  kiln  {dict(zip(names, want.tolist()))}")
    for name, value in zip(names, want):
        assert name in got, (name, sorted(got))
        assert abs(float(got[name]) - value) <= 1e-5 * abs(value) + 1e-6, (path, name, got, value)


def h5py_names(path):
    import h5py
    with h5py.File(path, "r") as f:
        return list(f["optimizer_weights"].attrs["weight_names"])


def check_sparse_accuracy(keras, out, plain_name_differs):
    import h5py
    import shutil
    x, labels = np.load(f"{out}/sparse.x.npy"), np.load(f"{out}/sparse.labels.npy")
    want = np.load(f"{out}/sparse.evaluate.npy")
    with h5py.File(f"{out}/sparse.h5", "r") as f:
        config = json.loads(f.attrs["training_config"])
    assert config["metrics"] == ["sparse_categorical_accuracy"], config["metrics"]
    got = keras.models.load_model(f"{out}/sparse.h5").evaluate(x, labels, batch_size=64, verbose=0)
    print(f"  sparse accuracy: keras {got[1]:.6f}, kiln {want[1]:.6f}; loss {got[0]:.6f} / {want[0]:.6f}")
    assert abs(got[1] - want[1]) < 1e-6 and abs(got[0] - want[0]) < 1e-5, (got, want)
    # What the name the user wrote would have given: tf.keras's .h5 loader builds the metrics with
    # the outputs standing in for the labels, and so picks categorical_accuracy.
    shutil.copy(f"{out}/sparse.h5", f"{out}/sparse_plain.h5")
    with h5py.File(f"{out}/sparse_plain.h5", "r+") as f:
        config["metrics"] = ["accuracy"]
        f.attrs["training_config"] = json.dumps(config)
    plain = keras.models.load_model(f"{out}/sparse_plain.h5").evaluate(x, labels, batch_size=64,
                                                                         verbose=0)
    print(f"  the same file saying \"accuracy\": keras {plain[1]:.6f}")
    assert (abs(plain[1] - want[1]) > 0.05) == plain_name_differs, plain


def tfkeras(out, resume_models):
    import tensorflow as tf
    import tf_keras as keras
    print("tf.keras", keras.__version__, "on TensorFlow", tf.__version__)
    # Not nadam: tf.keras's compiled Nadam updates its u_product once per variable after the first
    # step, so its continuation is not Nadam's (eager tf.keras and Keras 3 agree with Kiln).
    resume_in_keras(keras, out, "tfkeras", ["sgd-momentum", "sgd-nesterov", "rmsprop", "adam",
                                            "rmsprop-keras2", "adam-keras2"] + MORE_OPTIMIZERS)
    check_sparse_accuracy(keras, out, plain_name_differs=True)
    check_loss_objects(keras, out, "tfkeras")
    check_metric_objects(keras, out, "tfkeras")
    # tf.keras's own optimizer_v2 files (the legacy optimizers) into Kiln.
    rng = np.random.RandomState(0)
    x, y = rng.randn(24, 4).astype("float32"), rng.randn(24, 2).astype("float32")
    rx, ry = rng.randn(16, 4).astype("float32"), rng.randn(16, 2).astype("float32")
    np.save(f"{out}/legacy_x.npy", rx)
    np.save(f"{out}/legacy_y.npy", ry)
    legacy = keras.optimizers.legacy
    for name, make in [("sgd-momentum", lambda: legacy.SGD(0.05, momentum=0.9)),
                       ("sgd-nesterov", lambda: legacy.SGD(0.05, momentum=0.9, nesterov=True)),
                       ("rmsprop", lambda: legacy.RMSprop(0.01)),
                       ("adam", lambda: legacy.Adam(0.01))]:
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(5, activation="tanh"),
                                  keras.layers.Dense(2)])
        model.compile(optimizer=make(), loss="mse")
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        path = f"{out}/legacy_{name}.h5"
        model.save(path)
        for b in range(2):
            model.train_on_batch(rx[8 * b:8 * b + 8], ry[8 * b:8 * b + 8])
        for i, w in enumerate(model.get_weights()):
            np.save(f"{out}/legacy_{name}.keras_after.{i}.npy", w)
        subprocess.run([resume_models, "resume", path, f"{out}/legacy_x.npy", f"{out}/legacy_y.npy",
                        f"{out}/legacy_{name}.kiln_after"], check=True)
        got = [np.load(f"{out}/legacy_{name}.kiln_after.{i}.npy") for i in range(4)]
        check_weights(f"tf.keras optimizer_v2 -> Kiln {name}", got,
                      f"{out}/legacy_{name}.keras_after")


def keras3(out, resume_models):
    import keras
    print("Keras", keras.__version__, "on", keras.backend.backend())
    resume_in_keras(keras, out, "keras3",
                    ["sgd-momentum", "sgd-nesterov", "rmsprop", "adam", "nadam"] + MORE_OPTIMIZERS)
    # Keras 3 builds its metrics from the real labels, and gets "accuracy" right either way.
    check_sparse_accuracy(keras, out, plain_name_differs=False)
    check_loss_objects(keras, out, "keras3")
    check_metric_objects(keras, out, "keras3")


if __name__ == "__main__":
    which, out, resume_models = sys.argv[1:4]
    {"tfkeras": tfkeras, "keras3": keras3}[which](out, resume_models)
    print("OK")
