#!/usr/bin/env python3
"""Writes real-Keras fixture files for Kiln's Keras loader tests.

Every model file here is written by the real library (tf.keras 2.x through the `tf_keras` package,
and Keras 3 with the JAX backend); nothing is hand-made. Next to each model file the script
writes an input batch `<name>.x.npy` and the writer's own prediction `<name>.y.npy`, computed
with `model.predict` after the file was saved. Optimizer-resume fixtures also get the two
batches for two more `train_on_batch` steps and the weights after those steps. Functional models
with several inputs/outputs store `<name>.x.<i>.npy` / `<name>.y.<i>.npy` in the model's input/output
order; the two-output model also gets `<name>.eval.json` (Keras's evaluate() and fit() History).
Everything is described in `manifest.json`.

Run it with the pinned environment (see README.md next to this file):

    ~/.cache/kiln-keras-fixtures-venv/bin/python scripts/keras_fixtures/make_fixtures.py

Output: tests/fixtures/keras/gen/ (the directory is emptied first). `--only GROUP` (a key of
GROUPS) writes one group into the existing directory and manifest instead.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import json  # noqa: E402
import pathlib  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import zipfile  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as tk  # noqa: E402
import keras  # noqa: E402
import jax  # noqa: E402

assert keras.backend.backend() == "jax", keras.backend.backend()

REPO = pathlib.Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "keras" / "gen"
MAX_FILE = 200 * 1024
MAX_TOTAL = 6 * 1024 * 1024  # the files this script writes: about 5.0 MB with the recurrent groups
MAX_MANIFEST = 1000 * 1024  # manifest.json is text; the layouts of 150 fixtures make it ~790 KB


def _mm(v):
    return ".".join(v.split(".")[:2])


TFK_VERSION = tk.__version__
K3_VERSION = keras.__version__
TFK = "tfkeras-" + _mm(TFK_VERSION)
K3 = "keras-" + _mm(K3_VERSION)
WRITERS = {
    TFK: {"library": "tf_keras", "keras_version": TFK_VERSION, "tensorflow": tf.__version__},
    K3: {"library": "keras", "keras_version": K3_VERSION, "backend": "jax", "jax": jax.__version__},
}

MANIFEST = {
    "generator": "scripts/keras_fixtures/make_fixtures.py",
    "versions": {
        "python": sys.version.split()[0],
        "tensorflow": tf.__version__,
        "tf_keras": TFK_VERSION,
        "keras": K3_VERSION,
        "keras_backend": keras.backend.backend(),
        "jax": jax.__version__,
        "h5py": h5py.__version__,
        "hdf5": h5py.version.hdf5_version,
        "numpy": np.__version__,
    },
    "conventions": {
        "x": "<name>.x.npy: input batch (float32 unless noted, int32 for int inputs)",
        "y": "<name>.y.npy: model.predict(x) by the writer, after saving",
        "resume": "<name>.resume_x.npy / .resume_y.npy: shape (2, 8, ...), the two batches given to "
                  "train_on_batch after loading; <name>.after.<i>.npy: model.get_weights()[i] after "
                  "those two steps (in-memory continuation in the writer)",
        "functional": "kind 'functional': files.x / files.y are lists in model input/output order; "
                      "<name>.x.npy / .y.npy for one input/output, <name>.x.<i>.npy / .y.<i>.npy for "
                      "several; format keras3-weights-h5 = save_weights output, architecture in the "
                      "sibling .keras",
        "eval": "<name>.eval.json (two-outputs model): evaluate(x, targets, return_dict=True) with the "
                "saved weights, then History of fit(epochs=2, batch_size=4, shuffle=False); "
                "<name>.target.<i>.npy are the targets, <name>.after.<i>.npy the weights after fit",
        "stateful": "kind 'stateful' (one input, one output): files.x / files.y are consecutive batches, "
                    "<name>.x.<i>.npy / .y.<i>.npy for i = 0, 1, predicted in that order from the zero "
                    "states without reset_states (see batches and predict_call)",
        "y_nan_rows": "where present: for each output, the batch rows whose y holds NaN (Keras's own 0/0, "
                      "e.g. the masked mean of a fully masked row)",
    },
    "fixtures": [],
    "skipped": [],
}


def seed(s):
    np.random.seed(s)
    tk.utils.set_random_seed(s)
    keras.utils.set_random_seed(s)


def jsonable(o):
    if isinstance(o, dict):
        return {str(k): jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (str, int, float, bool)) or o is None:
        return o
    return repr(o)


def npy(name, arr):
    np.save(OUT / name, arr)
    return name


# ---------------------------------------------------------------- layout descriptions

def h5_listing(path):
    """Every group/dataset path in an HDF5 file, with shape/dtype for datasets."""
    rows = []

    def attrs(obj):
        out = {}
        for k, v in obj.attrs.items():
            if k in ("model_config", "training_config"):
                v = f"<json, {len(v)} chars>"
            elif isinstance(v, bytes):
                v = v.decode()
            elif isinstance(v, np.ndarray):
                v = [x.decode() if isinstance(x, bytes) else str(x) for x in v.tolist()]
            out[k] = v
        return f"  @{out}" if out else ""

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            rows.append(f"/{name}  {obj.dtype} {list(obj.shape)}")
        else:
            rows.append(f"/{name}/" + attrs(obj))

    with h5py.File(path, "r") as f:
        rows.append("/" + attrs(f))
        f.visititems(visit)
    return rows


def h5_optimizer_weight_names(path):
    with h5py.File(path, "r") as f:
        if "optimizer_weights" not in f:
            return None
        g = f["optimizer_weights"]
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in g.attrs["weight_names"]]
        return [{"name": n, "dtype": str(g[n].dtype), "shape": list(g[n].shape)} for n in names]


def keras_archive_layout(path):
    with zipfile.ZipFile(path) as z:
        members = [{"name": i.filename, "size": i.file_size,
                    "compress_type": i.compress_type} for i in z.infolist()]
        meta = json.loads(z.read("metadata.json"))
        tmp = OUT / "_tmp_weights.h5"
        tmp.write_bytes(z.read("model.weights.h5"))
    try:
        rows = []

        def visit(name, obj):
            attrs = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in obj.attrs.items()}
            if isinstance(obj, h5py.Dataset):
                rows.append(f"/{name}  {obj.dtype} {list(obj.shape)}")
            else:
                rows.append(f"/{name}/" + (f"  @{attrs}" if attrs else ""))

        with h5py.File(tmp, "r") as f:
            f.visititems(visit)
    finally:
        tmp.unlink()
    return {"members": members, "metadata": meta, "model.weights.h5": rows}


def layout(path):
    path = pathlib.Path(path)
    if path.suffix == ".keras":
        return keras_archive_layout(path)
    return {"h5": h5_listing(path)}


def weight_order(model):
    return [{"index": i, "path": getattr(w, "path", w.name), "name": w.name,
             "shape": list(w.shape), "trainable": bool(w.trainable)}
            for i, w in enumerate(model.weights)]


# ---------------------------------------------------------------- save + predict helpers

def save_model(lib, model, fname, **kw):
    path = OUT / fname
    if lib is tk:
        model.save(path, save_format="h5", **kw)
    else:
        model.save(path, **kw)
    return path


def reload_diff(lib, path, x, y):
    """Reload with the writer and compare its prediction to y (a sanity check of the file)."""
    m = lib.models.load_model(path, compile=False)
    return float(np.max(np.abs(m.predict(x, verbose=0) - y)))


def add_model_fixture(name, writer, lib, model, x, notes="", extra=None, save_kw=None):
    """Save `model` as `name`, then x/y; register in the manifest. Returns the manifest entry."""
    path = save_model(lib, model, name, **(save_kw or {}))
    y = model.predict(x, verbose=0)
    stem = name
    entry = {
        "name": name,
        "writer": writer,
        **WRITERS[writer],
        "format": "keras-zip" if name.endswith(".keras") else "legacy-h5",
        "files": {"model": name, "x": npy(stem + ".x.npy", x), "y": npy(stem + ".y.npy", y)},
        "x_dtype": str(x.dtype), "x_shape": list(x.shape), "y_shape": list(y.shape),
        "reload_max_abs_diff": reload_diff(lib, path, x, y),
        "weight_order": weight_order(model),
        "layer_names": [l.name for l in model.layers],
        "notes": notes,
    }
    if getattr(model, "optimizer", None) is not None:
        entry["optimizer_config"] = jsonable(model.optimizer.get_config())
    entry["layout"] = layout(path)
    if extra:
        entry.update(extra)
    MANIFEST["fixtures"].append(entry)
    print("wrote", name, flush=True)
    return entry


def rnd(shape, s, lo=-1.0, hi=1.0):
    return np.random.default_rng(s).uniform(lo, hi, size=shape).astype("float32")


# ---------------------------------------------------------------- 1. layer names vs. archive paths

def fixtures_names():
    L = keras.layers
    x = rnd((4, 8), 101)

    seed(1)
    first = L.Dense(6, activation="relu", name="dense_1")   # created first, named dense_1
    second = L.Dense(3, activation="softmax", name="dense")  # created second, named dense
    m = keras.Sequential([keras.Input((8,)), first, second], name="swapped")
    add_model_fixture(f"{K3}_swapped-names.keras", K3, keras, m, x,
                      notes="Sequential Input(8)->Dense(6,relu) named 'dense_1'->Dense(3,softmax) named "
                            "'dense'. model.weights.h5 stores them under layers/dense (= layer 'dense_1', "
                            "kernel 8x6) and layers/dense_1 (= layer 'dense', kernel 6x3): paths follow "
                            "list position + class name, not the layer name.")

    seed(2)
    m = keras.Sequential([keras.Input((8,)), L.Dense(6, activation="relu", name="hidden"),
                          L.Dense(3, activation="softmax", name="logits")], name="custom")
    add_model_fixture(f"{K3}_custom-names.keras", K3, keras, m, x,
                      notes="Sequential with layer names 'hidden', 'logits'; archive paths are still "
                            "layers/dense, layers/dense_1.")
    add_model_fixture(f"{K3}_custom-names.h5", K3, keras, m, x,
                      notes="Same model (same weights) as the .keras one, saved by Keras 3 as legacy h5: "
                            "model_weights/<layer name>/<layer name>/{kernel,bias}.")

    seed(3)
    inp = keras.Input((8,), name="features")
    h = L.Dense(6, activation="relu", name="encoder")(inp)
    out = L.Dense(3, activation="softmax", name="head")(h)
    m = keras.Model(inp, out, name="functional_custom")
    add_model_fixture(f"{K3}_functional-custom-names.keras", K3, keras, m, x,
                      notes="Functional Input 'features' -> Dense 'encoder' -> Dense 'head'; archive paths "
                            "layers/input_layer (no vars), layers/dense, layers/dense_1.")


# ---------------------------------------------------------------- 2. compiled + trained Keras 3

def fixture_compiled():
    L = keras.layers
    seed(4)
    m = keras.Sequential([keras.Input((8,)), L.Dense(6, activation="relu"),
                          L.Dense(3, activation="softmax")], name="compiled")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss="categorical_crossentropy", metrics=["accuracy"])
    xt = rnd((32, 8), 41)
    yt = np.eye(3, dtype="float32")[np.random.default_rng(42).integers(0, 3, 32)]
    m.fit(xt, yt, batch_size=8, epochs=1, shuffle=False, verbose=0)  # 4 steps
    x = rnd((4, 8), 43)
    add_model_fixture(f"{K3}_compiled-adam.keras", K3, keras, m, x,
                      notes="Compiled (Adam lr 0.01, categorical_crossentropy, metrics ['accuracy']) and "
                            "trained 4 steps: config.json has compile_config, metadata.json keras_version, "
                            "model.weights.h5 has optimizer/vars/0..9.")


# ---------------------------------------------------------------- 3. BatchNormalization axis

def _bn_model(lib, data_format, s):
    L = lib.layers
    seed(s)
    if data_format == "channels_last":
        shape, bn_axis = (6, 6, 2), None
    else:
        shape, bn_axis = (2, 6, 6), 1
    layers = [lib.Input(shape),
              L.Conv2D(3, 3, data_format=data_format, activation="relu"),
              L.BatchNormalization() if bn_axis is None else L.BatchNormalization(axis=bn_axis),
              L.Flatten(),  # default data_format: flattens in the tensor's own (c, h, w) order
              L.Dense(2)]
    m = lib.Sequential(layers)
    bn = m.layers[1]
    gamma, beta, mean, var = (w.shape for w in bn.get_weights())
    rng = np.random.default_rng(s)
    bn.set_weights([rng.uniform(0.5, 1.5, gamma).astype("float32"),
                    rng.uniform(-0.5, 0.5, beta).astype("float32"),
                    rng.uniform(-0.5, 0.5, mean).astype("float32"),
                    rng.uniform(0.5, 2.0, var).astype("float32")])
    return m


def fixtures_bn():
    x_cl = rnd((3, 6, 6, 2), 51)
    x_cf = np.ascontiguousarray(np.transpose(x_cl, (0, 3, 1, 2)))

    m = _bn_model(tk, "channels_last", 5)
    add_model_fixture(f"{TFK}_bn-axis.h5", TFK, tk, m, x_cl,
                      notes="Conv2D(3,3,relu)->BatchNormalization() (default axis; tf.keras stores the "
                            "config axis as a list [3])->Flatten->Dense(2). BN gamma/beta/moving stats set "
                            "to non-trivial values.",
                      extra={"bn_config_axis": jsonable(m.layers[1].get_config()["axis"])})

    try:
        m = _bn_model(tk, "channels_first", 5)
        y = m.predict(x_cf, verbose=0)
        # Cross-check the channels_first result with a channels_last twin (same weights).
        twin = _bn_model(tk, "channels_last", 5)
        w_cf = m.get_weights()
        dense_k = w_cf[6]  # (3*4*4, 2), rows in (c, h, w) order
        dense_k_cl = dense_k.reshape(3, 4, 4, 2).transpose(1, 2, 0, 3).reshape(48, 2)
        twin.set_weights(w_cf[:6] + [dense_k_cl, w_cf[7]])
        diff = float(np.max(np.abs(twin.predict(x_cl, verbose=0) - y)))
        if diff > 1e-4:
            raise RuntimeError(f"channels_first prediction disagrees with channels_last twin: {diff}")
        add_model_fixture(f"{TFK}_bn-axis-channels-first.h5", TFK, tk, m, x_cf,
                          notes="Same as bn-axis but data_format channels_first, input (2,6,6), "
                                "BatchNormalization(axis=1) (stored as [1]); default Flatten (config "
                                "data_format channels_last, so no transpose) hence Dense rows are in (c,h,w) "
                                "order. Prediction cross-checked against a channels_last twin whose Dense "
                                "kernel rows are permuted.",
                          extra={"bn_config_axis": jsonable(m.layers[1].get_config()["axis"]),
                                 "channels_last_twin_max_abs_diff": diff})
    except Exception as e:  # pragma: no cover - depends on TF CPU kernels
        MANIFEST["skipped"].append({"name": f"{TFK}_bn-axis-channels-first.h5", "why": repr(e)})

    m = _bn_model(keras, "channels_last", 6)
    extra = {"bn_config_axis": jsonable(m.layers[1].get_config()["axis"])}
    add_model_fixture(f"{K3}_bn-axis.h5", K3, keras, m, x_cl,
                      notes="Keras 3 version of bn-axis (BatchNormalization default axis=-1, an int).",
                      extra=extra)
    add_model_fixture(f"{K3}_bn-axis.keras", K3, keras, m, x_cl,
                      notes="Same model/weights as the Keras 3 .h5. BN vars order: 0 gamma, 1 beta, "
                            "2 moving_mean, 3 moving_variance.", extra=extra)


# ---------------------------------------------------------------- 4. optimizer-state resume

OPTIMIZERS = [
    ("sgd-momentum", "SGD", dict(learning_rate=0.05, momentum=0.9)),
    ("sgd-nesterov", "SGD", dict(learning_rate=0.05, momentum=0.9, nesterov=True)),
    ("rmsprop", "RMSprop", dict(learning_rate=0.01)),
    ("adam", "Adam", dict(learning_rate=0.01)),
]

# The rest of Keras's optimizers, and a schedule (`--only resume-more`). Each state layout differs:
# Adadelta's two accumulators, Ftrl's accumulator starting at 0.1, Nadam's shared u_product.
# tf.keras's compiled Nadam updates u_product once per variable after the first step (its counter
# lives in Python), so its continuation is not Nadam's; it is written by Keras 3 only.
MORE_OPTIMIZERS = [
    ("adamw", "AdamW", dict(learning_rate=0.01, weight_decay=0.05)),
    ("adagrad", "Adagrad", dict(learning_rate=0.05)),
    ("adadelta", "Adadelta", dict(learning_rate=0.5)),
    ("adamax", "Adamax", dict(learning_rate=0.01)),
    ("nadam", "Nadam", dict(learning_rate=0.01)),
    ("ftrl", "Ftrl", dict(learning_rate=0.05, l1_regularization_strength=0.001)),
    ("lion", "Lion", dict(learning_rate=0.005)),
    ("adam-amsgrad", "Adam", dict(learning_rate=0.01, amsgrad=True)),
    ("adam-schedule", "Adam", dict(learning_rate=("ExponentialDecay", dict(
        initial_learning_rate=0.01, decay_steps=2, decay_rate=0.5)))),
    ("rmsprop-centered", "RMSprop", dict(learning_rate=0.01, momentum=0.5, centered=True)),
    # Moving averages: saved before the optimizer's own slots; tf.keras starts them at the weights.
    ("adam-ema", "Adam", dict(learning_rate=0.01, use_ema=True, ema_momentum=0.8,
                              ema_overwrite_frequency=3)),
]


def _resume_data():
    rng = np.random.default_rng(7)
    xt = rng.uniform(-1, 1, (24, 4)).astype("float32")
    yt = rng.uniform(-1, 1, (24, 2)).astype("float32")
    rx = rng.uniform(-1, 1, (2, 8, 4)).astype("float32")
    ry = rng.uniform(-1, 1, (2, 8, 2)).astype("float32")
    x = rng.uniform(-1, 1, (4, 4)).astype("float32")
    return xt, yt, rx, ry, x


def _resume_model(lib, s):
    L = lib.layers
    seed(s)
    return lib.Sequential([lib.Input((4,)), L.Dense(5, activation="tanh"), L.Dense(2)])


def _keras3_h5_manual_load(path):
    """What Keras 3's legacy_h5_format.load_model_from_hdf5 does for the optimizer (build on the
    trainable variables, then set_weights positionally from /optimizer_weights), done by hand
    because load_model(compile=True) fails on these files (see the manifest)."""
    m = keras.models.load_model(path, compile=False)
    with h5py.File(path, "r") as f:
        tc = json.loads(f.attrs["training_config"])
        g = f["optimizer_weights"]
        values = [np.asarray(g[n.decode() if isinstance(n, bytes) else n]) for n in g.attrs["weight_names"]]
    m.compile(optimizer=keras.optimizers.deserialize(tc["optimizer_config"]), loss=tc["loss"])
    m.optimizer.build(m.trainable_variables)
    m.optimizer.set_weights(values)
    return m


def _keras_resume_check(lib, path, rx, ry, after):
    """Does the writer's own load_model + 2 train_on_batch reproduce `after`?"""
    out = {}
    try:
        m = lib.models.load_model(path)
    except Exception as e:
        out["load_model_error"] = repr(e)
        if lib is not keras or not str(path).endswith(".h5"):
            return out
        out["method"] = "keras3 legacy-h5 optimizer restore done by hand (compile=False, compile, " \
                        "optimizer.build, optimizer.set_weights(optimizer_weights in order))"
        try:
            m = _keras3_h5_manual_load(path)
        except Exception as e2:
            out["manual_error"] = repr(e2)
            return out
    try:
        v = m.optimizer.variables
        out["optimizer_variables_after_load"] = len(v() if callable(v) else v)
        for i in range(2):
            m.train_on_batch(rx[i], ry[i])
        out["max_abs_diff"] = max(float(np.max(np.abs(a - b))) for a, b in zip(m.get_weights(), after))
    except Exception as e:
        out["error"] = repr(e)
    return out


def _make_optimizer(lib, cls, kw):
    kw = dict(kw)
    if isinstance(kw.get("learning_rate"), tuple):
        schedule, args = kw["learning_rate"]
        kw["learning_rate"] = getattr(lib.optimizers.schedules, schedule)(**args)
    return getattr(lib.optimizers, cls)(**kw)


def fixtures_resume(optimizers=OPTIMIZERS, first_seed=70):
    xt, yt, rx, ry, x = _resume_data()
    writers = [(TFK, tk, ".h5"), (K3, keras, ".h5"), (K3, keras, ".keras")]
    for wi, (writer, lib, ext) in enumerate(writers):
        for oi, (tag, cls, kw) in enumerate(optimizers):
            if writer == TFK and cls == "Nadam":
                continue
            name = f"{writer}_resume-{tag}{ext}"
            m = _resume_model(lib, first_seed + oi)  # same initial weights per optimizer and library
            opt = _make_optimizer(lib, cls, kw)
            m.compile(optimizer=opt, loss="mse")
            if kw.get("use_ema"):
                # Keras 3.15 on JAX fails ("Array has been deleted") on a train_on_batch after a fit
                # whose end copied the averages into the weights; the same 3 steps without fit.
                fit_loss = [float(np.asarray(m.train_on_batch(xt[8 * i:8 * i + 8],
                                                               yt[8 * i:8 * i + 8])).reshape(-1)[0])
                            for i in range(3)][-1]
            else:
                hist = m.fit(xt, yt, batch_size=8, epochs=1, shuffle=False, verbose=0)  # 3 steps
                fit_loss = float(hist.history["loss"][-1])
            it = opt.iterations
            iterations = int(it.numpy() if hasattr(it, "numpy") else np.asarray(it))
            assert iterations == 3, iterations
            path = save_model(lib, m, name)  # include_optimizer=True is the default
            y = m.predict(x, verbose=0)
            before = [w.copy() for w in m.get_weights()]
            losses = [float(np.asarray(m.train_on_batch(rx[i], ry[i])).reshape(-1)[0]) for i in range(2)]
            after = m.get_weights()
            change = max(float(np.max(np.abs(a - b))) for a, b in zip(after, before))
            # What a loader that drops the optimizer state would get instead (fresh optimizer).
            fresh = _resume_model(lib, first_seed + oi)
            fresh.set_weights(before)
            fresh.compile(optimizer=_make_optimizer(lib, cls, kw), loss="mse")
            for i in range(2):
                fresh.train_on_batch(rx[i], ry[i])
            fresh_diff = max(float(np.max(np.abs(a - b))) for a, b in zip(fresh.get_weights(), after))
            stem = name
            files = {"model": name, "x": npy(stem + ".x.npy", x), "y": npy(stem + ".y.npy", y),
                     "resume_x": npy(stem + ".resume_x.npy", rx),
                     "resume_y": npy(stem + ".resume_y.npy", ry),
                     "after": [npy(f"{stem}.after.{i}.npy", a) for i, a in enumerate(after)]}
            entry = {
                "name": name, "writer": writer, **WRITERS[writer],
                "format": "keras-zip" if ext == ".keras" else "legacy-h5",
                "kind": "optimizer-resume",
                "optimizer": cls, "optimizer_args": jsonable(kw),
                "optimizer_config": jsonable(opt.get_config()),
                "loss": "mse",
                "training": "fit(xt, yt, batch_size=8, epochs=1, shuffle=False) on 24 fixed samples = 3 "
                            "steps, then save (with optimizer), then train_on_batch(resume_x[i], "
                            "resume_y[i]) for i=0,1",
                "iterations_at_save": iterations,
                "fit_loss": fit_loss,
                "resume_losses": losses,
                "max_abs_weight_change_in_resume": change,
                "fresh_optimizer_max_abs_diff_from_after": fresh_diff,
                "files": files,
                "weight_order": weight_order(m),
                "reload_max_abs_diff": reload_diff(lib, path, x, y),
                "writer_own_resume_check": _keras_resume_check(lib, path, rx, ry, after),
                "layout": layout(path),
            }
            if ext == ".h5":
                entry["optimizer_weights"] = h5_optimizer_weight_names(path)
            MANIFEST["fixtures"].append(entry)
            print("wrote", name, "change", change, flush=True)


# ---------------------------------------------------------------- 5. initializers / regularizers

def _init_model(lib, s):
    L, I, R, C = lib.layers, lib.initializers, lib.regularizers, lib.constraints
    seed(s)
    layers = [
        lib.Input((6,)),
        L.Dense(6, kernel_initializer=I.HeNormal(seed=1), name="he_normal",
                kernel_regularizer=R.L2(0.01), bias_regularizer=R.L1(0.02)),
        L.Dense(6, kernel_initializer=I.HeUniform(seed=2), name="he_uniform", activation="relu",
                activity_regularizer=R.L2(0.001)),
        L.Dense(6, kernel_initializer=I.LecunNormal(seed=3), name="lecun_normal",
                kernel_constraint=C.MaxNorm(max_value=2.0)),
        L.Dense(6, kernel_initializer=I.LecunUniform(seed=4), name="lecun_uniform",
                kernel_regularizer=R.L1L2(l1=0.01, l2=0.01)),
        L.Dense(6, kernel_initializer=I.VarianceScaling(scale=2.0, mode="fan_avg",
                                                        distribution="uniform", seed=5),
                name="variance_scaling", activation="tanh"),
        L.Dense(6, kernel_initializer=I.Orthogonal(gain=1.5, seed=6), name="orthogonal"),
        L.Dense(6, kernel_initializer=I.TruncatedNormal(mean=0.0, stddev=0.3, seed=7),
                bias_initializer=I.Constant(0.1), name="truncated_normal"),
        L.Dense(6, kernel_initializer=I.Identity(gain=1.0), name="identity"),
        L.Dense(3, kernel_initializer=I.GlorotUniform(seed=8), name="out"),
    ]
    return lib.Sequential(layers, name="initializers")


def _rank3_model(lib, s):
    L = lib.layers
    seed(s)
    return lib.Sequential([lib.Input((5, 4)), L.Dense(3), L.Flatten(), L.Dense(2)], name="rank3")


def fixtures_init():
    x = rnd((4, 6), 81)
    note = ("Dense stack using HeNormal, HeUniform, LecunNormal, LecunUniform, VarianceScaling(2, fan_avg, "
            "uniform), Orthogonal(1.5), TruncatedNormal(0, 0.3), Identity (6x6) initializers, "
            "Constant(0.1) bias; L2/L1/L1L2 kernel+bias regularizers, an activity_regularizer and a "
            "MaxNorm(2) kernel_constraint. Not trained: weights are the initializers' output.")
    add_model_fixture(f"{TFK}_initializers.h5", TFK, tk, _init_model(tk, 8), x, notes=note)
    m = _init_model(keras, 8)
    add_model_fixture(f"{K3}_initializers.keras", K3, keras, m, x, notes=note)
    add_model_fixture(f"{K3}_initializers.h5", K3, keras, m, x, notes=note + " (Keras 3 legacy h5)")

    x3 = rnd((3, 5, 4), 82)
    note3 = "Input((5,4))->Dense(3) on a rank-3 input (kernel 4x3 applied on the last axis)->Flatten->Dense(2)."
    add_model_fixture(f"{TFK}_dense-rank3.h5", TFK, tk, _rank3_model(tk, 9), x3, notes=note3)
    m = _rank3_model(keras, 9)
    add_model_fixture(f"{K3}_dense-rank3.keras", K3, keras, m, x3, notes=note3)
    add_model_fixture(f"{K3}_dense-rank3.h5", K3, keras, m, x3, notes=note3)


# ---------------------------------------------------------------- 6. int32 input

def fixtures_int_input():
    x = np.random.default_rng(91).integers(-5, 6, (4, 6)).astype("int32")
    for writer, lib, ext in [(K3, keras, ".keras"), (TFK, tk, ".h5")]:
        name = f"{writer}_int32-input{ext}"
        try:
            seed(10)
            m = lib.Sequential([lib.Input((6,), dtype="int32"), lib.layers.Dense(3, activation="relu"),
                                lib.layers.Dense(2)])
            add_model_fixture(name, writer, lib, m, x,
                              notes="Input((6,), dtype='int32') fed straight into Dense(3, relu) -> Dense(2); "
                                    "x.npy is int32, Dense casts it to float32.")
        except Exception as e:
            MANIFEST["skipped"].append({"name": name, "why": repr(e)})


# ---------------------------------------------------------------- 7. tf.keras sparse CE + accuracy

def fixture_sparse_cnn():
    L = tk.layers
    seed(11)
    m = tk.Sequential([tk.Input((6, 6, 1)), L.Conv2D(2, 3, activation="relu"), L.Flatten(),
                       L.Dense(3, activation="softmax")], name="sparse_cnn")
    m.compile(optimizer=tk.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
    rng = np.random.default_rng(12)
    xt = rng.uniform(0, 1, (32, 6, 6, 1)).astype("float32")
    yt = rng.integers(0, 3, 32).astype("int32")
    m.fit(xt, yt, batch_size=8, epochs=2, shuffle=False, verbose=0)  # 8 steps
    x = rng.uniform(0, 1, (16, 6, 6, 1)).astype("float32")
    labels = rng.integers(0, 3, 16).astype("int32")
    name = f"{TFK}_sparse-cnn.h5"
    entry = add_model_fixture(name, TFK, tk, m, x,
                              notes="tf.keras Conv2D(2,3,relu)->Flatten->Dense(3,softmax), compiled with "
                                    "Adam(0.01), sparse_categorical_crossentropy, metrics ['accuracy'], "
                                    "trained 8 steps. labels.npy are int32 class ids for x; evaluate_* are "
                                    "model.evaluate(x, labels, batch_size=16).")
    loss, acc = m.evaluate(x, labels, batch_size=16, verbose=0)
    entry["files"]["labels"] = npy(name + ".labels.npy", labels)
    entry["evaluate_loss"] = float(loss)
    entry["evaluate_accuracy"] = float(acc)
    entry["argmax_accuracy"] = float(np.mean(np.argmax(entry_y(entry), axis=1) == labels))
    with h5py.File(OUT / name, "r") as f:
        entry["training_config"] = json.loads(f.attrs["training_config"])
        entry["optimizer_weights"] = h5_optimizer_weight_names(OUT / name)


def entry_y(entry):
    return np.load(OUT / entry["files"]["y"])


# ---------------------------------------------------------------- 8. functional models

# Each functional architecture is written by tf.keras 2.x as legacy .h5, and by Keras 3 as .keras,
# legacy .h5 and .weights.h5 (weights only; the architecture is the sibling .keras). Arrays follow
# the model's input/output order: <file>.x.npy / .y.npy for one input/output, <file>.x.<i>.npy /
# <file>.y.<i>.npy for several.

def _fresh(lib, s):
    """Reset the writer's name counters (so default layer names start at dense, dense_1, ...)
    and seed everything."""
    lib.backend.clear_session()
    seed(s)


def _history_layer_name(t):
    return t._keras_history[0].name


def _arrays(name, tag, arrs):
    if len(arrs) == 1:
        return [npy(f"{name}.{tag}.npy", arrs[0])]
    return [npy(f"{name}.{tag}.{i}.npy", a) for i, a in enumerate(arrs)]


def _as_list(v):
    return list(v) if isinstance(v, (list, tuple)) else [v]


def saved_model_config(path):
    """The model config exactly as stored in the file (None for a weights-only file)."""
    path = pathlib.Path(path)
    if path.name.endswith(".weights.h5"):
        return None
    if path.suffix == ".keras":
        with zipfile.ZipFile(path) as z:
            return json.loads(z.read("config.json"))
    with h5py.File(path, "r") as f:
        v = f.attrs["model_config"]
        return json.loads(v.decode() if isinstance(v, bytes) else v)


def _functional_reload(lib, model, path, feed, ys):
    """Writer reloads its own file and predicts again; returns the max abs diff (or the error)."""
    try:
        if str(path).endswith(".weights.h5"):
            m = lib.models.clone_model(model)  # fresh initial weights, same architecture
            m.load_weights(path)
        else:
            m = lib.models.load_model(path, compile=False)
        got = _as_list(m.predict(feed, verbose=0))
        return {"reload_max_abs_diff": max(float(np.max(np.abs(a - b))) for a, b in zip(got, ys))}
    except Exception as e:
        return {"reload_error": repr(e)}


def add_functional_fixture(name, writer, lib, model, xs, notes="", extra=None):
    """Save `model` as `name` (.h5 / .keras / .weights.h5), predict on xs (one array or a list in
    model.inputs order), store the arrays and register the file in the manifest."""
    xs = _as_list(xs)
    path = OUT / name
    if name.endswith(".weights.h5"):
        model.save_weights(path)
        fmt = "keras3-weights-h5"
    else:
        save_model(lib, model, name)
        fmt = "keras-zip" if name.endswith(".keras") else "legacy-h5"
    feed = xs if len(xs) > 1 else xs[0]
    ys = _as_list(model.predict(feed, verbose=0))
    xfiles, yfiles = _arrays(name, "x", xs), _arrays(name, "y", ys)
    input_names = [_history_layer_name(t) for t in model.inputs]
    output_names = [_history_layer_name(t) for t in model.outputs]
    cfg = saved_model_config(path)
    entry = {
        "name": name, "writer": writer, **WRITERS[writer],
        "format": fmt, "kind": "functional",
        "model_class": type(model).__name__,
        "model_name": model.name,
        "files": {"model": name, "x": xfiles, "y": yfiles},
        "input_names": input_names,
        "output_names": output_names,
        "inputs": [{"name": n, "x": f, "dtype": str(a.dtype), "shape": list(a.shape)}
                   for n, f, a in zip(input_names, xfiles, xs)],
        "outputs": [{"name": n, "y": f, "shape": list(a.shape)}
                    for n, f, a in zip(output_names, yfiles, ys)],
        **_functional_reload(lib, model, path, feed, ys),
        "weight_order": weight_order(model),
        "layer_names": [l.name for l in model.layers],
        "layer_classes": [type(l).__name__ for l in model.layers],
        "notes": notes,
    }
    if cfg is None:
        entry["architecture"] = name[: -len(".weights.h5")] + ".keras"
    else:
        inner = cfg["config"]
        entry["config_input_layers"] = inner.get("input_layers")
        entry["config_output_layers"] = inner.get("output_layers")
    if getattr(model, "optimizer", None) is not None:
        entry["optimizer_config"] = jsonable(model.optimizer.get_config())
    entry["layout"] = layout(path) if not name.endswith(".weights.h5") else {"h5": h5_listing(path)}
    if extra:
        entry.update(extra)
    MANIFEST["fixtures"].append(entry)
    print("wrote", name, flush=True)
    return entry


def _files_for(writer):
    if writer == TFK:
        return [".h5"]
    return [".keras", ".h5", ".weights.h5"]


def _write_all(tag, builder, xs, notes, s, weights_seed=None):
    """builder(lib) -> model; one model per writer (same seed), saved in every format of that writer.
    With weights_seed, every weight is drawn uniform in [-0.5, 0.5) (_randomized) first."""
    entries = []
    for writer, lib in [(TFK, tk), (K3, keras)]:
        _fresh(lib, s)
        m = builder(lib)
        if weights_seed is not None:
            m = _randomized(m, weights_seed)
        for ext in _files_for(writer):
            entries.append(add_functional_fixture(f"{writer}_{tag}{ext}", writer, lib, m, xs, notes=notes))
    return entries


def _residual(lib):
    L = lib.layers
    inp = lib.Input((8, 8, 1), name="image")
    x = L.Conv2D(4, 3, padding="same", activation="relu")(inp)
    y = L.Conv2D(4, 3, padding="same")(x)
    z = L.Activation("relu")(L.Add()([x, y]))
    out = L.Dense(3, activation="softmax")(L.Flatten()(z))
    return lib.Model(inp, out, name="residual")


def _two_inputs(lib):
    L = lib.layers
    a = lib.Input((5,), name="a")
    b = lib.Input((3,), name="b")
    da = L.Dense(4, activation="relu")(a)
    out = L.Dense(2)(L.Concatenate()([da, b]))
    return lib.Model([a, b], out, name="two_inputs")


def _shared(lib):
    L = lib.layers
    a = lib.Input((4,), name="a")
    b = lib.Input((4,), name="b")
    d = L.Dense(3, name="shared")
    out = L.Dense(1)(L.Add()([d(a), d(b)]))
    return lib.Model([a, b], out, name="shared_dense")


def _nested(lib):
    L = lib.layers
    inner = lib.Sequential([lib.Input((4,)), L.Dense(5, activation="relu"), L.Dense(3)], name="inner")
    x = lib.Input((4,), name="x")
    y = L.Dense(2)(inner(x))
    return lib.Model(x, y, name="outer")


def _nested_functional(lib):
    L = lib.layers
    i = lib.Input((4,), name="inner_in")
    inner = lib.Model(i, L.Dense(3)(L.Dense(5, activation="relu")(i)), name="inner")
    a = lib.Input((4,), name="a")
    b = lib.Input((4,), name="b")
    y = L.Dense(2)(L.Add()([inner(a), inner(b)]))
    return lib.Model([a, b], y, name="outer")


def _nested_bn(lib):
    L = lib.layers
    inner = lib.Sequential([lib.Input((4,)), L.Dense(5), L.BatchNormalization(), L.Dense(3)], name="inner")
    x = lib.Input((4,), name="x")
    model = lib.Model(x, L.Dense(2)(inner(x)), name="outer")
    # Non-default BatchNormalization statistics and scales, so that a misplaced one shows.
    rng = np.random.default_rng(134)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


def fixtures_nested_bn():
    _write_all("functional-nested-bn", _nested_bn, rnd((4, 4), 135),
               "inner = Sequential([Input((4,)), Dense(5), BatchNormalization(), Dense(3)]); outer = "
               "Dense(2)(inner(x)); every weight set uniform in [0.5, 1.5). tf.keras stores a nested "
               "model's weights trainable first (the moving statistics last), not layer by layer.", 21)


def _vision_basics(lib):
    L = lib.layers
    x = lib.Input((6, 6, 3), name="image")
    c = L.Conv2D(4, 3, padding="same")(x)
    r6 = L.ReLU(max_value=6.0)(c)
    leaky = L.LeakyReLU(0.2)(c)
    general = L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.25)(c)
    avg = L.GlobalAveragePooling2D()(r6)
    mx = L.Reshape((4,))(L.GlobalMaxPooling2D(keepdims=True)(leaky))
    flat = L.Reshape((-1, 4))(general)  # (None, 36, 4)
    g = L.GlobalAveragePooling2D(keepdims=False)(L.Reshape((6, 6, 4))(flat))
    return lib.Model(x, L.Dense(2)(L.Concatenate()([avg, mx, g])), name="vision_basics")


def fixtures_vision_basics():
    # Inputs in [-3, 3) so that every piece of each rectifier is used.
    x = (rnd((4, 6, 6, 3), 136) * 3).astype("float32")
    _write_all("functional-vision-basics", _vision_basics, x,
               "Conv2D(4, 3, same) -> ReLU(max_value=6) -> GlobalAveragePooling2D; -> LeakyReLU(0.2) -> "
               "GlobalMaxPooling2D(keepdims) -> Reshape((4,)); -> ReLU(max_value=1.5, negative_slope=0.1, "
               "threshold=0.25) -> Reshape((-1, 4)) -> Reshape((6, 6, 4)) -> GlobalAveragePooling2D; "
               "Concatenate -> Dense(2).", 22)


def _randomized(model, seed, lo=-0.5, hi=0.5):
    """Every weight uniform in [lo, hi), so that no initializer default (zeros, ones) hides a bug."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(lo, hi, w.shape).astype("float32") for w in model.get_weights()])
    return model


def _vision_layers(lib):
    L = lib.layers
    x = lib.Input((5, 5, 3), name="image")
    up = L.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu", name="up_same")(x)
    up_valid = L.Conv2DTranspose(2, (3, 2), strides=(2, 3), dilation_rate=1, name="up_valid")(x)
    up_pad = L.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=1, name="up_pad")(x)
    up_dil = L.Conv2DTranspose(2, 2, dilation_rate=2, name="up_dilated")(x)
    sep = L.SeparableConv2D(5, 3, padding="same", depth_multiplier=2, name="sep")(up)
    sep_s = L.SeparableConv2D(4, 3, strides=2, use_bias=False, name="sep_strided")(up)
    ln = L.LayerNormalization(name="ln_last")(sep)
    ln_all = L.LayerNormalization(axis=[1, 2, 3], epsilon=1e-5, name="ln_all")(sep_s)
    pr = L.PReLU(shared_axes=[1, 2], name="prelu_shared")(ln)
    pr_full = L.PReLU(name="prelu")(ln_all)
    el = L.ELU(alpha=0.5, name="elu")(pr)
    return lib.Model(x, [up_valid, up_pad, up_dil, el, pr_full], name="vision_layers")


def fixtures_vision_layers():
    x = (rnd((3, 5, 5, 3), 137) * 2).astype("float32")
    _write_all("functional-vision-layers", _vision_layers, x,
               "Input (5,5,3): Conv2DTranspose(2,(3,2),strides=(2,3),valid) 'up_valid'; "
               "Conv2DTranspose(3,3,strides=2,same,output_padding=1) 'up_pad'; Conv2DTranspose(2,2,"
               "dilation_rate=2) 'up_dilated'; Conv2DTranspose(4,3,strides=2,same,relu) 'up_same' -> "
               "SeparableConv2D(5,3,same,depth_multiplier=2) -> LayerNormalization() -> "
               "PReLU(shared_axes=[1,2]) -> ELU(0.5); up_same -> SeparableConv2D(4,3,strides=2,"
               "use_bias=False) -> LayerNormalization(axis=[1,2,3],epsilon=1e-5) -> PReLU(). Outputs "
               "up_valid, up_pad, up_dilated, elu, prelu; every weight uniform in [-0.5, 0.5).", 23, weights_seed=138)


def _sequence_conv(lib):
    L = lib.layers
    x = lib.Input((12, 3), name="sequence")
    causal = L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="tanh", name="causal")(x)
    pooled = L.MaxPooling1D(2, name="max_pool")(causal)
    same = L.Conv1D(6, 2, strides=2, padding="same", groups=2, name="grouped")(pooled)
    avg = L.AveragePooling1D(2, strides=1, padding="same", name="avg_pool")(same)
    valid = L.Conv1D(3, 4, name="valid")(x)
    avg_valid = L.AveragePooling1D(3, strides=2, name="avg_valid")(valid)
    g_avg = L.GlobalAveragePooling1D(name="global_avg")(avg)
    g_max = L.GlobalMaxPooling1D(keepdims=True, name="global_max")(valid)
    return lib.Model(x, [avg, avg_valid, g_avg, g_max], name="sequence_conv")


def fixtures_sequence_conv():
    x = (rnd((3, 12, 3), 139) * 2).astype("float32")
    _write_all("functional-sequence-conv", _sequence_conv, x,
               "Input (12,3): Conv1D(4,3,causal,dilation_rate=2,tanh) -> MaxPooling1D(2) -> Conv1D(6,2,"
               "strides=2,same,groups=2) -> AveragePooling1D(2,strides=1,same) (output 0) -> "
               "GlobalAveragePooling1D (output 2); Conv1D(3,4) 'valid' -> AveragePooling1D(3,strides=2) "
               "(output 1) and GlobalMaxPooling1D(keepdims=True) (output 3); every weight uniform in "
               "[-0.5, 0.5).", 24, weights_seed=140)


def _shape_layers(lib):
    L = lib.layers
    x = lib.Input((6, 8, 3), name="image")
    crop = L.Cropping2D(((1, 2), (0, 3)), name="crop")(x)
    near = L.UpSampling2D((2, 3), name="up_nearest")(crop)
    bil = L.UpSampling2D(2, interpolation="bilinear", name="up_bilinear")(x)
    down = L.Resizing(4, 5, name="resize_bilinear")(x)
    up = L.Resizing(9, 7, interpolation="nearest", name="resize_nearest")(x)
    aspect = L.Resizing(5, 5, crop_to_aspect_ratio=True, name="resize_crop")(x)
    center = L.CenterCrop(4, 6, name="center")(x)
    perm = L.Permute((3, 1, 2), name="permute")(x)
    vec = L.Dense(4, name="dense")(L.GlobalAveragePooling2D()(x))
    rep = L.RepeatVector(3, name="repeat")(vec)
    return lib.Model(x, [near, bil, down, up, aspect, center, perm, rep], name="shape_layers")


def fixtures_shape_layers():
    x = (rnd((2, 6, 8, 3), 141) * 2).astype("float32")
    _write_all("functional-shape-layers", _shape_layers, x,
               "Input (6,8,3); outputs: Cropping2D(((1,2),(0,3))) -> UpSampling2D((2,3)); "
               "UpSampling2D(2, bilinear); Resizing(4,5) (bilinear, downscaling); Resizing(9,7,nearest); "
               "Resizing(5,5,crop_to_aspect_ratio=True); CenterCrop(4,6); Permute((3,1,2)); "
               "GlobalAveragePooling2D -> Dense(4) -> RepeatVector(3).", 25, weights_seed=142)


def _embedding(lib):
    L = lib.layers
    x = lib.Input((7,), dtype="int32", name="tokens")
    e = L.Embedding(12, 4, name="embedding")(x)
    avg = L.GlobalAveragePooling1D(name="mean")(e)
    conv = L.GlobalMaxPooling1D(name="max")(L.Conv1D(5, 3, padding="causal", name="conv")(e))
    return lib.Model(x, [e, L.Dense(3, name="out")(L.Concatenate()([avg, conv]))], name="embedding")


def fixtures_embedding():
    # Indices with repeats, every row but 11 used, so that a misread row shows.
    x = np.random.default_rng(143).integers(0, 11, (4, 7)).astype("int32")
    _write_all("functional-embedding", _embedding, x,
               "Input((7,), int32) -> Embedding(12, 4) (output 0) -> GlobalAveragePooling1D and "
               "Conv1D(5, 3, causal) -> GlobalMaxPooling1D -> Concatenate -> Dense(3) (output 1); "
               "x.npy is int32 in [0, 11); every weight uniform in [-0.5, 0.5).", 26, weights_seed=144)


def _time_distributed(lib):
    L = lib.layers
    clip = lib.Input((3, 6, 6, 1), name="clip")
    seq = lib.Input((5, 4), name="sequence")
    frames = L.TimeDistributed(L.Conv2D(2, 3, activation="relu"), name="td_conv")(clip)
    flat = L.TimeDistributed(L.Flatten(), name="td_flatten")(frames)  # (None, 3, 32)
    steps = L.TimeDistributed(L.Dense(3, activation="tanh"), name="td_dense")(seq)
    return lib.Model([clip, seq], [flat, steps], name="time_distributed")


def fixtures_time_distributed():
    xs = [rnd((2, 3, 6, 6, 1), 145), rnd((2, 5, 4), 146)]
    _write_all("functional-time-distributed", _time_distributed, xs,
               "Inputs clip (3,6,6,1) and sequence (5,4); TimeDistributed(Conv2D(2, 3, relu)) -> "
               "TimeDistributed(Flatten()) (output 0); TimeDistributed(Dense(3, tanh)) (output 1); "
               "every weight uniform in [-0.5, 0.5).", 27, weights_seed=147)


# Recurrent layers. Every weight uniform in [-0.5, 0.5) (weights_seed); no hard_sigmoid anywhere
# (tf.keras 2.x and Keras 3 define it differently).

def _rnn_cells(lib):
    L = lib.layers
    x = lib.Input((6, 3), name="sequence")
    outs = [
        L.SimpleRNN(4, return_sequences=True, name="simple_rnn_seq")(x),
        L.LSTM(5, name="lstm_last")(x),
        L.GRU(4, name="gru_last")(x),
        L.GRU(3, reset_after=False, go_backwards=True, return_sequences=True, name="gru_v1_backwards")(x),
        L.LSTM(4, use_bias=False, activation="relu", return_sequences=True, go_backwards=True,
               name="lstm_relu_backwards")(x),
        L.SimpleRNN(3, activation="relu", use_bias=False, go_backwards=True, name="simple_rnn_relu_backwards")(x),
        L.LSTM(3, dropout=0.3, recurrent_dropout=0.2, unit_forget_bias=False, name="lstm_dropout")(x),
        L.GRU(2, recurrent_activation="tanh", activation="sigmoid", name="gru_tanh_gates")(x),
    ]
    return lib.Model(x, outs, name="rnn_cells")


def fixtures_rnn_cells():
    _write_all("functional-rnn-cells", _rnn_cells, rnd((4, 6, 3), 148),
               "Input 'sequence' (6,3); eight branches, each one model output in this order: "
               "SimpleRNN(4, return_sequences=True) 'simple_rnn_seq'; LSTM(5) 'lstm_last' (last output); "
               "GRU(4) 'gru_last' (reset_after=True, bias (2, 12)); GRU(3, reset_after=False, go_backwards=True, "
               "return_sequences=True) 'gru_v1_backwards' (bias (9,)); LSTM(4, use_bias=False, activation=relu, "
               "return_sequences=True, go_backwards=True) 'lstm_relu_backwards'; SimpleRNN(3, activation=relu, "
               "use_bias=False, go_backwards=True) 'simple_rnn_relu_backwards'; LSTM(3, dropout=0.3, "
               "recurrent_dropout=0.2, unit_forget_bias=False) 'lstm_dropout' (inference: no dropout); "
               "GRU(2, recurrent_activation=tanh, activation=sigmoid) 'gru_tanh_gates'. Other arguments are "
               "the defaults (activation tanh, recurrent_activation sigmoid). A go_backwards sequence output "
               "is in reversed time order (step 0 of it is the input's last step). Every weight uniform in "
               "[-0.5, 0.5).", 28, weights_seed=149)


def _rnn_states(lib):
    L = lib.layers
    seq = lib.Input((5, 3), name="sequence")
    h0 = lib.Input((4,), name="h0")
    c0 = lib.Input((4,), name="c0")
    lstm_seq, lstm_h, lstm_c = L.LSTM(4, return_sequences=True, return_state=True, name="lstm")(
        seq, initial_state=[h0, c0])
    gru_out, gru_h = L.GRU(4, return_state=True, name="gru")(seq, initial_state=h0)
    rnn_out, rnn_h = L.SimpleRNN(4, return_state=True, go_backwards=True, name="simple_rnn_backwards")(seq)
    return lib.Model([seq, h0, c0], [lstm_seq, lstm_h, lstm_c, gru_out, gru_h, rnn_out, rnn_h],
                     name="rnn_states")


def fixtures_rnn_states():
    _write_all("functional-rnn-states", _rnn_states, [rnd((3, 5, 3), 150), rnd((3, 4), 151), rnd((3, 4), 152)],
               "Inputs 'sequence' (5,3), 'h0' (4,), 'c0' (4,) (h0, c0 uniform in [-1, 1)). Outputs in order: "
               "LSTM(4, return_sequences=True, return_state=True)(sequence, initial_state=[h0, c0]) 'lstm' -> "
               "0 the sequence (5,4), 1 final h, 2 final c (tensor indices 0, 1, 2 of the layer's node); "
               "GRU(4, return_state=True)(sequence, initial_state=h0) 'gru' -> 3 last output, 4 final h (equal "
               "values); SimpleRNN(4, return_state=True, go_backwards=True)(sequence) 'simple_rnn_backwards' "
               "(zero initial state) -> 5 last output, 6 final h. Every weight uniform in [-0.5, 0.5).",
               29, weights_seed=153)


# Masked rows of the rnn-masked inputs: row 0 left padding (steps 0-1), row 1 right padding (steps
# 5-6), row 2 one masked step in the middle (step 3), row 3 masked entirely.
RNN_MASKED_STEPS = {0: [0, 1], 1: [5, 6], 2: [3], 3: [0, 1, 2, 3, 4, 5, 6]}
RNN_MASK_NOTE = ("Masked time steps: row 0 steps 0-1 (left padding), row 1 steps 5-6 (right padding), "
                 "row 2 step 3 (middle), row 3 all 7 (fully masked). Keras's masked mean of a fully masked "
                 "row is 0/0: both writers give NaN in row 3 of the GlobalAveragePooling1D output "
                 "(y_nan_rows lists the NaN rows of each output).")
# How Keras 3 saves a propagated mask (the Keras 3 .keras and .h5 configs of every masked model here).
K3_MASK_NOTE = ("Keras 3 writes the propagated mask into the graph: each consumer's inbound node has "
                "kwargs.mask, a tensor made by operation entries of config.layers that are not layers "
                "(not in model.layers, no weights): for Masking, NotEqual 'not_equal' (args [input, 0.0]) -> "
                "Any 'any' (axis -1, keepdims false); for Embedding(mask_zero=True), NotEqual 'not_equal' "
                "(args [tokens, 0]); module keras.src.ops.numpy. Keras 3.15 cannot load its own legacy .h5 "
                "of such a model (Unknown layer: 'NotEqual'; see reload_error); the .keras reloads. tf.keras "
                "writes no mask in the config.")


def _nan_rows(entries):
    """For each entry, the batch rows of each output that hold a NaN (Keras's own 0/0)."""
    for e in entries:
        e["y_nan_rows"] = [sorted({int(r) for r in np.argwhere(np.isnan(np.load(OUT / f)))[:, 0]})
                           for f in e["files"]["y"]]


def _rnn_masked(lib):
    L = lib.layers
    x = lib.Input((7, 3), name="sequence")
    masked = L.Masking(mask_value=0.0, name="masking")(x)
    seq = L.LSTM(4, return_sequences=True, name="lstm_seq")(masked)
    last = L.GRU(3, name="gru_last")(seq)  # the mask propagates through the LSTM's sequence
    rnn = L.SimpleRNN(3, return_sequences=True, name="simple_rnn_seq")(masked)
    mean = L.GlobalAveragePooling1D(name="masked_mean")(L.Dense(2, name="dense")(rnn))
    return lib.Model(x, [seq, last, mean], name="rnn_masked")


def _rnn_masked_tokens(lib):
    L = lib.layers
    x = lib.Input((7,), dtype="int32", name="tokens")
    e = L.Embedding(10, 4, mask_zero=True, name="embedding")(x)
    last = L.LSTM(3, name="lstm_last")(e)
    back = L.GRU(3, return_sequences=True, go_backwards=True, name="gru_backwards")(e)
    mean = L.GlobalAveragePooling1D(name="masked_mean")(e)
    return lib.Model(x, [last, back, mean], name="rnn_masked_tokens")


def fixtures_rnn_masked():
    x = rnd((4, 7, 3), 154)
    tokens = np.random.default_rng(156).integers(1, 10, (4, 7)).astype("int32")
    for row, steps in RNN_MASKED_STEPS.items():
        x[row, steps, :] = 0.0
        tokens[row, steps] = 0
    masked = _write_all("functional-rnn-masked", _rnn_masked, x,
               "Input 'sequence' (7,3) float -> Masking(mask_value=0.0) 'masking'; outputs: 0 LSTM(4, "
               "return_sequences=True) 'lstm_seq' on the masked input; 1 GRU(3) 'gru_last' on that sequence "
               "(mask propagated through the LSTM); 2 SimpleRNN(3, return_sequences=True) 'simple_rnn_seq' "
               "on the masked input -> Dense(2) 'dense' (passes the mask on) -> GlobalAveragePooling1D "
               "'masked_mean' (mean over the unmasked steps only). " + RNN_MASK_NOTE + " The masked steps "
               "are whole time steps set to exactly 0.0. At a masked step a plain RNN's sequence output "
               "repeats the previous step's output (0 before the first unmasked step) and its state is "
               "carried unchanged. " + K3_MASK_NOTE + " Every weight uniform in [-0.5, 0.5).",
               30, weights_seed=155)
    tokens_entries = _write_all("functional-rnn-masked-tokens", _rnn_masked_tokens, tokens,
               "Input 'tokens' (7,) int32 in [0, 10), 0 the padding -> Embedding(10, 4, mask_zero=True) "
               "'embedding'; outputs: 0 LSTM(3) 'lstm_last'; 1 GRU(3, return_sequences=True, go_backwards=True) "
               "'gru_backwards' (in reversed time order; a masked step repeats the output of the step "
               "processed before it, 0 before the first unmasked one); 2 GlobalAveragePooling1D "
               "'masked_mean' of the embeddings (mean over the unmasked steps). " + RNN_MASK_NOTE + " " +
               K3_MASK_NOTE + " Every weight uniform in [-0.5, 0.5).", 31, weights_seed=157)
    _nan_rows(masked + tokens_entries)


def _rnn_bidirectional(lib):
    L = lib.layers
    x = lib.Input((6, 3), name="sequence")
    masked = L.Masking(mask_value=0.0, name="masking")(x)
    concat = L.Bidirectional(L.LSTM(3, return_sequences=True), name="bi_lstm_concat")(masked)
    total = L.Bidirectional(L.GRU(2), merge_mode="sum", name="bi_gru_sum")(x)
    product = L.Bidirectional(L.SimpleRNN(2, return_sequences=True), merge_mode="mul", name="bi_rnn_mul")(x)
    mean = L.Bidirectional(L.LSTM(2), merge_mode="ave", name="bi_lstm_ave")(x)
    forward, backward = L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode=None,
                                        name="bi_gru_none")(x)
    return lib.Model(x, [concat, total, product, mean, forward, backward], name="rnn_bidirectional")


def fixtures_rnn_bidirectional():
    x = rnd((3, 6, 3), 158)
    x[0, 4:, :] = 0.0  # right padding
    x[1, 0, :] = 0.0   # left padding
    x[2, 2, :] = 0.0   # middle
    _write_all("functional-rnn-bidirectional", _rnn_bidirectional, x,
               "Input 'sequence' (6,3). Outputs: 0 Masking(0.0) -> Bidirectional(LSTM(3, return_sequences=True)) "
               "'bi_lstm_concat' (merge concat: forward units then backward units, (6,6)); 1 Bidirectional("
               "GRU(2), merge_mode='sum') 'bi_gru_sum'; 2 Bidirectional(SimpleRNN(2, return_sequences=True), "
               "merge_mode='mul') 'bi_rnn_mul'; 3 Bidirectional(LSTM(2), merge_mode='ave') 'bi_lstm_ave'; "
               "4 and 5 Bidirectional(GRU(2, return_sequences=True), merge_mode=None) 'bi_gru_none' -> the "
               "forward and the backward sequence (tensor indices 0 and 1). Only output 0 is masked; the "
               "others read the zero steps as data. Zero (masked) steps: row 0 steps 4-5, row 1 step 0, "
               "row 2 step 2. The backward sequences are given back in forward time order; inside "
               "Bidirectional with return_sequences the outputs at masked steps are 0 in both halves. " +
               K3_MASK_NOTE + " Every weight uniform in [-0.5, 0.5).", 32, weights_seed=159)


def _rnn_stateful(lib):
    L = lib.layers
    x = lib.Input(batch_shape=(2, 5, 3), name="sequence")
    seq = L.LSTM(4, stateful=True, return_sequences=True, name="lstm_stateful")(x)
    return lib.Model(x, L.GRU(3, stateful=True, name="gru_stateful")(seq), name="rnn_stateful")


def _reset_rnn_states(model):
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_states()


def _stateful_calls(lib, model, batches):
    """The batches through the model one after the other, without resetting the states. tf.keras:
    predict(x, batch_size=2); Keras 3 on JAX: model(x), because its predict() does not keep the
    states it computed (checked below)."""
    if lib is tk:
        return [model.predict(b, batch_size=2, verbose=0) for b in batches]
    return [np.asarray(model(b, training=False)) for b in batches]


def fixtures_rnn_stateful():
    tag = "functional-rnn-stateful"
    xs = [rnd((2, 5, 3), 160), rnd((2, 5, 3), 161)]
    notes = ("Input(batch_shape=(2, 5, 3)) 'sequence' -> LSTM(4, stateful=True, return_sequences=True) "
             "'lstm_stateful' -> GRU(3, stateful=True) 'gru_stateful'. Saved before any prediction (zero "
             "states); then y.0 = the prediction of x.0 and y.1 that of x.1, made one after the other "
             "without reset_states, so y.1 starts from the states x.0 left. Every weight uniform in "
             "[-0.5, 0.5).")
    for writer, lib in [(TFK, tk), (K3, keras)]:
        _fresh(lib, 33)
        model = _randomized(_rnn_stateful(lib), 162)
        names = [f"{writer}_{tag}{ext}" for ext in _files_for(writer)]
        for name in names:
            if name.endswith(".weights.h5"):
                model.save_weights(OUT / name)
            else:
                save_model(lib, model, name)
        _reset_rnn_states(model)
        ys = _stateful_calls(lib, model, xs)
        _reset_rnn_states(model)
        fresh_y1 = _stateful_calls(lib, model, [xs[1]])[0]
        carry = float(np.max(np.abs(ys[1] - fresh_y1)))
        assert carry > 1e-3, ("stateful: y.1 does not depend on the state x.0 left", carry)
        checks = {"y1_minus_fresh_prediction_of_x1_max_abs": carry}
        if lib is keras:
            # Keras 3 on JAX: predict() runs stateless and drops the new states.
            _reset_rnn_states(model)
            p = [model.predict(b, batch_size=2, verbose=0) for b in xs]
            checks["keras3_predict_keeps_states"] = bool(np.max(np.abs(p[1] - fresh_y1)) > 1e-6)
            checks["keras3_predict_x0_minus_y0_max_abs"] = float(np.max(np.abs(p[0] - ys[0])))
        else:
            _reset_rnn_states(model)
            c = [np.asarray(model(b, training=False)) for b in xs]
            checks["tfkeras_call_minus_predict_max_abs"] = max(float(np.max(np.abs(a - b)))
                                                              for a, b in zip(c, ys))
        _reset_rnn_states(model)
        for name in names:
            path = OUT / name
            try:
                if name.endswith(".weights.h5"):
                    m = lib.models.clone_model(model)
                    m.load_weights(path)
                else:
                    m = lib.models.load_model(path, compile=False)
                got = _stateful_calls(lib, m, xs)
                reload = {"reload_max_abs_diff": max(float(np.max(np.abs(a - b))) for a, b in zip(got, ys))}
            except Exception as e:
                reload = {"reload_error": repr(e)}
            xfiles, yfiles = _arrays(name, "x", xs), _arrays(name, "y", ys)
            input_names = [_history_layer_name(t) for t in model.inputs]
            output_names = [_history_layer_name(t) for t in model.outputs]
            entry = {
                "name": name, "writer": writer, **WRITERS[writer],
                "format": ("keras3-weights-h5" if name.endswith(".weights.h5")
                           else "keras-zip" if name.endswith(".keras") else "legacy-h5"),
                "kind": "stateful",
                "model_class": type(model).__name__,
                "model_name": model.name,
                "files": {"model": name, "x": xfiles, "y": yfiles},
                "input_names": input_names,
                "output_names": output_names,
                "batch_input_shape": [2, 5, 3],
                "calls": "x.<i> / y.<i> are consecutive batches i = 0, 1 of the one input and output, "
                         "predicted in that order from the zero states of the file without reset_states",
                "predict_call": ("model.predict(x, batch_size=2)" if lib is tk
                                 else "model(x, training=False) (Keras 3 on JAX: predict() keeps no states)"),
                "batches": [{"index": i, "x": xf, "y": yf, "x_dtype": str(a.dtype), "x_shape": list(a.shape),
                             "y_shape": list(b.shape)}
                            for i, (xf, yf, a, b) in enumerate(zip(xfiles, yfiles, xs, ys))],
                **checks,
                **reload,
                "weight_order": weight_order(model),
                "layer_names": [l.name for l in model.layers],
                "layer_classes": [type(l).__name__ for l in model.layers],
                "notes": notes,
            }
            cfg = saved_model_config(path)
            if cfg is None:
                entry["architecture"] = name[: -len(".weights.h5")] + ".keras"
            else:
                entry["config_input_layers"] = cfg["config"].get("input_layers")
                entry["config_output_layers"] = cfg["config"].get("output_layers")
            entry["layout"] = layout(path) if not name.endswith(".weights.h5") else {"h5": h5_listing(path)}
            MANIFEST["fixtures"].append(entry)
            print("wrote", name, checks, reload, flush=True)


def fixtures_upstream_masking_lstm():
    """Keras 3.15's prediction for the upstream Keras 3.8 file tests/fixtures/keras/
    keras-3.8_masking-lstm.keras (Masking -> LSTM(1), batch_shape (2, 3, 2)): its input has a
    masked step in the middle of row 0 and at the start of row 1."""
    src = REPO / "tests" / "fixtures" / "keras" / "keras-3.8_masking-lstm.keras"
    model = keras.models.load_model(src)
    x = rnd((2, 3, 2), 190)
    x[0, 1, :] = 0.0
    x[1, 0, :] = 0.0
    y = model.predict(x, verbose=0)
    name = "keras-3.8_masking-lstm.keras"
    MANIFEST["fixtures"].append({
        "name": name, "writer": "keras-3.8 (upstream file)", "format": "keras-zip",
        "kind": "upstream-predict",
        "files": {"model": "../" + name, "x": [npy(name + ".x.npy", x)],
                  "y": [npy(name + ".y.npy", y)]},
        "predicted_by": "keras " + keras.__version__,
        "notes": "Masking -> LSTM(1) from keras-team/keras's test data; x has masked steps."})
    print("wrote", name, flush=True)


def fixtures_nested_functional():
    _write_all("functional-nested-functional", _nested_functional, [rnd((4, 4), 132), rnd((4, 4), 133)],
               "inner = Model(Input((4,)) -> Dense(5, relu) -> Dense(3)), called on inputs a and b (two "
               "calls: tf.keras counts them as inner's nodes 1 and 2 after its own node 0, Keras 3 as 0 "
               "and 1); Add -> Dense(2).", 20)


def _merges(lib):
    L = lib.layers
    x = lib.Input((4,), name="x")
    p = lib.Input((2, 3), name="p")
    q = lib.Input((2, 5), name="q")
    u = L.Dense(4, name="u")(x)
    v = L.Dense(4, name="v")(x)
    outs = [
        L.Subtract(name="subtract")([u, v]),
        L.Multiply(name="multiply")([u, v]),
        L.Average(name="average")([u, v]),
        L.Maximum(name="maximum")([u, v]),
        L.Minimum(name="minimum")([u, v]),
        L.Dot(axes=1, name="dot")([u, v]),
        L.Dot(axes=1, normalize=True, name="dot_normalized")([u, v]),
    ]
    pp = L.Dense(4, name="p_dense")(p)  # (None, 2, 4): Dense on the last axis
    qq = L.Dense(4, name="q_dense")(q)  # (None, 2, 4)
    cat = L.Concatenate(axis=1, name="concat_axis1")([pp, qq])  # (None, 4, 4)
    outs.append(L.Flatten(name="concat_flat")(cat))
    return lib.Model([x, p, q], outs, name="merges")


def _feature_base(lib):
    L = lib.layers
    inp = lib.Input((6,), name="features")
    h = L.Dense(5, activation="relu", name="hidden")(inp)
    out = L.Dense(3, activation="softmax", name="out")(h)
    return lib.Model(inp, out, name="classifier")


def _two_outputs(lib):
    L = lib.layers
    inp = lib.Input((6,), name="x")
    h = L.Dense(8, activation="relu")(inp)
    reg = L.Dense(1, name="reg")(h)
    cls = L.Dense(3, activation="softmax", name="cls")(h)
    return lib.Model(inp, [reg, cls], name="two_outputs")


TWO_OUT_COMPILE = {
    "loss": {"reg": "mse", "cls": "categorical_crossentropy"},
    "loss_weights": {"reg": 0.5, "cls": 2.0},
    "metrics": {"reg": ["mae"], "cls": ["accuracy"]},
}


def fixtures_two_outputs():
    rng = np.random.default_rng(130)
    x = rng.uniform(-1, 1, (8, 6)).astype("float32")
    t_reg = rng.uniform(-1, 1, (8, 1)).astype("float32")
    t_cls = np.eye(3, dtype="float32")[rng.integers(0, 3, 8)]
    notes = ("Input x (6,) -> Dense(8, relu) -> Dense(1) 'reg' and Dense(3, softmax) 'cls'. Compiled with "
             "SGD(lr 0.1), loss {reg: mse, cls: categorical_crossentropy}, loss_weights {reg: 0.5, cls: 2.0}, "
             "metrics {reg: [mae], cls: [accuracy]}; saved untrained. <file>.eval.json has evaluate() on "
             "(x, [target.0, target.1]) and the History of fit(epochs=2, batch_size=4, shuffle=False) from "
             "the saved weights; <file>.after.<i>.npy are the weights after that fit.")
    for writer, lib in [(TFK, tk), (K3, keras)]:
        _fresh(lib, 13)
        m = _two_outputs(lib)
        m.compile(optimizer=lib.optimizers.SGD(learning_rate=0.1), **TWO_OUT_COMPILE)
        entries = [add_functional_fixture(f"{writer}_functional-two-outputs{ext}", writer, lib, m, x, notes=notes)
                   for ext in _files_for(writer)]
        y_pred = _as_list(m.predict(x, verbose=0))
        ev = m.evaluate(x, [t_reg, t_cls], batch_size=8, verbose=0, return_dict=True)
        hist = m.fit(x, [t_reg, t_cls], epochs=2, batch_size=4, shuffle=False, verbose=0)
        after = m.get_weights()
        # The weighted-loss arithmetic done with numpy on the prediction of the saved weights.
        mse = float(np.mean((y_pred[0] - t_reg) ** 2))
        p = np.clip(y_pred[1] / np.sum(y_pred[1], axis=-1, keepdims=True), 1e-7, 1 - 1e-7)
        cce = float(np.mean(-np.sum(t_cls * np.log(p), axis=-1)))
        for e in entries:
            name = e["name"]
            targets = _arrays(name, "target", [t_reg, t_cls])
            after_files = [npy(f"{name}.after.{i}.npy", a) for i, a in enumerate(after)]
            doc = {
                "file": name, "writer": writer, "keras_version": WRITERS[writer]["keras_version"],
                "x": e["files"]["x"], "y_true": targets, "y_pred": e["files"]["y"],
                "output_names": e["output_names"],
                "compile": {"optimizer": {"class_name": "SGD", "learning_rate": 0.1}, **TWO_OUT_COMPILE},
                "evaluate_call": "evaluate(x, [y_true.0, y_true.1], batch_size=8, return_dict=True), "
                                 "before fit, with the saved weights",
                "evaluate": jsonable(ev),
                "numpy_check": {"reg_mse": mse, "cls_categorical_crossentropy": cce,
                                "weighted_loss": 0.5 * mse + 2.0 * cce},
                "fit_call": "fit(x, [y_true.0, y_true.1], epochs=2, batch_size=4, shuffle=False) = 2 steps "
                            "per epoch, started from the saved weights (after the evaluate above)",
                "history": jsonable(hist.history),
                "history_keys": list(hist.history.keys()),
                "after": after_files,
            }
            (OUT / f"{name}.eval.json").write_text(json.dumps(doc, indent=1) + "\n")
            e["files"]["eval"] = f"{name}.eval.json"
            e["files"]["target"] = targets
            e["files"]["after"] = after_files
            e["evaluate"] = doc["evaluate"]
            e["history_keys"] = doc["history_keys"]
            print("  eval", name, sorted(ev), list(hist.history), flush=True)


def fixtures_functional():
    x_img = rnd((4, 8, 8, 1), 121)
    _write_all("functional-residual", _residual, x_img,
               "Input 'image' (8,8,1) -> x = Conv2D(4,3,same,relu) -> y = Conv2D(4,3,same)(x); Add([x, y]) -> "
               "Activation(relu) -> Flatten -> Dense(3, softmax).", 14)
    _write_all("functional-two-inputs", _two_inputs, [rnd((4, 5), 122), rnd((4, 3), 123)],
               "Inputs 'a' (5,) and 'b' (3,); Dense(4, relu) on a; Concatenate([da, b]) -> Dense(2).", 15)
    fixtures_two_outputs()
    _write_all("functional-shared-dense", _shared, [rnd((4, 4), 124), rnd((4, 4), 125)],
               "Inputs 'a' (4,) and 'b' (4,); one Dense(3) named 'shared' called on both (two inbound "
               "nodes, one set of weights); Add -> Dense(1).", 16)
    _write_all("functional-nested-sequential", _nested, rnd((4, 4), 126),
               "inner = Sequential([Input((4,)), Dense(5, relu), Dense(3)], name='inner'); x = Input((4,), "
               "name='x'); y = Dense(2)(inner(x)). The Sequential is one layer of the outer model.", 17)
    _write_all("functional-merges", _merges, [rnd((4, 4), 127), rnd((4, 2, 3), 128), rnd((4, 2, 5), 129)],
               "Inputs x (4,), p (2,3), q (2,5). u = Dense(4,'u')(x), v = Dense(4,'v')(x); outputs in order: "
               "Subtract, Multiply, Average, Maximum, Minimum of [u, v] (each (None,4)), Dot(axes=1) and "
               "Dot(axes=1, normalize=True) of [u, v] ((None,1)), and Flatten 'concat_flat' of "
               "Concatenate(axis=1)([Dense(4)(p), Dense(4)(q)]) ((None,4,4) -> (None,16)).", 18)
    # Feature extractor: the classifier, then a Model sharing its layers up to 'hidden'.
    x = rnd((4, 6), 131)
    for writer, lib in [(TFK, tk), (K3, keras)]:
        _fresh(lib, 19)
        base = _feature_base(lib)
        feat = lib.Model(base.input, base.get_layer("hidden").output, name="extractor")
        for ext in _files_for(writer):
            add_functional_fixture(f"{writer}_functional-feature-base{ext}", writer, lib, base, x,
                                   notes="Input 'features' (6,) -> Dense(5, relu) 'hidden' -> Dense(3, softmax) "
                                         "'out'. Same weights as the feature-extractor file.")
            add_functional_fixture(f"{writer}_functional-feature-extractor{ext}", writer, lib, feat, x,
                                   notes="Model(base.input, base.get_layer('hidden').output) of the "
                                         "feature-base model (same layer objects, so same weights): y is "
                                         "the hidden activations.")


# ---------------------------------------------------------------- main

# Groups that `--only GROUP` writes on their own, into the existing directory and manifest.
def fixtures_resume_more():
    fixtures_resume(MORE_OPTIMIZERS, first_seed=90)


# Groups that `--only GROUP` writes on their own, into the existing directory and manifest; each
# replaces the manifest entries whose names hold its tag.
GROUPS = {"nested-functional": (fixtures_nested_functional, "_functional-nested-functional."),
          "nested-bn": (fixtures_nested_bn, "_functional-nested-bn."),
          "vision-basics": (fixtures_vision_basics, "_functional-vision-basics."),
          "vision-layers": (fixtures_vision_layers, "_functional-vision-layers."),
          "sequence-conv": (fixtures_sequence_conv, "_functional-sequence-conv."),
          "shape-layers": (fixtures_shape_layers, "_functional-shape-layers."),
          "embedding": (fixtures_embedding, "_functional-embedding."),
          "time-distributed": (fixtures_time_distributed, "_functional-time-distributed."),
          "upstream-masking-lstm": (fixtures_upstream_masking_lstm, "keras-3.8_masking-lstm."),
          "rnn-cells": (fixtures_rnn_cells, "_functional-rnn-cells."),
          "rnn-states": (fixtures_rnn_states, "_functional-rnn-states."),
          "rnn-masked": (fixtures_rnn_masked, ("_functional-rnn-masked.", "_functional-rnn-masked-tokens.")),
          "rnn-bidirectional": (fixtures_rnn_bidirectional, "_functional-rnn-bidirectional."),
          "rnn-stateful": (fixtures_rnn_stateful, "_functional-rnn-stateful."),
          "resume-more": (fixtures_resume_more,
                          tuple(f"_resume-{tag}." for tag, _, _ in MORE_OPTIMIZERS))}


def write_manifest():
    """manifest.json (strict JSON: a NaN anywhere but in the .npy files is an error), then the size
    checks over the files the manifest names, which are exactly the files this script writes (the
    other generators' files in the folder are not counted)."""
    (OUT / "manifest.json").write_text(json.dumps(jsonable(MANIFEST), indent=1, allow_nan=False) + "\n")
    names = {"manifest.json"}
    for e in MANIFEST["fixtures"]:
        for v in e["files"].values():
            names.update(v if isinstance(v, list) else [v])
    total = 0
    for name in sorted(names):
        size = (OUT / name).stat().st_size
        total += size
        assert size < (MAX_MANIFEST if name == "manifest.json" else MAX_FILE), (name, size)
    assert total < MAX_TOTAL, total
    print(f"{len(names)} files, {total} bytes written by this script in {OUT}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--only":
        group = sys.argv[2]
        old = json.loads((OUT / "manifest.json").read_text())
        write, tags = GROUPS[group]
        tags = (tags,) if isinstance(tags, str) else tags
        MANIFEST["fixtures"] = [f for f in old["fixtures"]
                                if not any(t in f["name"] + "." for t in tags)]
        MANIFEST["skipped"] = old.get("skipped", [])
        write()
        write_manifest()
        print(f"{group}: {len(MANIFEST['fixtures'])} fixtures in the manifest")
        return
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    fixtures_names()
    fixture_compiled()
    fixtures_bn()
    fixtures_resume()
    fixtures_resume_more()
    fixtures_init()
    fixtures_int_input()
    fixture_sparse_cnn()
    fixtures_functional()
    fixtures_nested_functional()
    fixtures_nested_bn()
    fixtures_vision_basics()
    fixtures_vision_layers()
    fixtures_sequence_conv()
    fixtures_shape_layers()
    fixtures_embedding()
    fixtures_time_distributed()
    fixtures_upstream_masking_lstm()
    fixtures_rnn_cells()
    fixtures_rnn_states()
    fixtures_rnn_masked()
    fixtures_rnn_bidirectional()
    fixtures_rnn_stateful()

    write_manifest()
    assert {p.name for p in OUT.iterdir()} == {"manifest.json"} | {
        f for e in MANIFEST["fixtures"] for v in e["files"].values()
        for f in (v if isinstance(v, list) else [v])}, "a written file is not in the manifest"
    for s in MANIFEST["skipped"]:
        print("SKIPPED", s["name"], s["why"])


if __name__ == "__main__":
    main()
