#!/usr/bin/env python3
"""Writes tests/fixtures/keras/gen/losses.json: what real Keras's losses compute, for Kiln's loss
tests to reproduce.

Each case names a loss, either as a function name as passed to compile (e.g. "mse", "huber") or as
the class form that keras.losses.serialize writes ({"class_name": ..., "config": ...}), and one
fixed input set (y_true, y_pred). It records the loss's value with the default reduction, its
per-example values (reduction none; for function names, the function's own output, whose mean is
the value) and the gradient of the value with respect to y_pred (Keras 3 on JAX: jax.grad; tf.keras:
tf.GradientTape in eager mode). Every case runs in Keras 3 and in tf.keras 2.x, each in its own
worker process; where a flavour lacks a loss or an argument the case is skipped with a note.

Run once with the pinned Keras (scripts/keras_fixtures/requirements.txt), from the repo root:

    ~/.cache/kiln-keras-venv/bin/python scripts/keras_fixtures/make_loss_values.py
"""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "keras" / "gen" / "losses.json"


def make_data():
    """The input sets, float32 (int for sparse labels), the same for both flavours."""
    rng = np.random.default_rng(11)
    f32 = lambda a: np.asarray(a, dtype="float32")

    def softmax(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def one_hot(ids, n=3):
        return np.eye(n, dtype="float32")[ids]

    data = {}
    data["regression"] = (f32(rng.normal(size=(4, 3))), f32(rng.normal(size=(4, 3))))
    data["positive"] = (f32(rng.uniform(0.1, 3.0, size=(4, 3))), f32(rng.uniform(0.1, 3.0, size=(4, 3))))
    data["binary"] = (f32(rng.integers(0, 2, size=(4, 3))), f32(rng.uniform(0.05, 0.95, size=(4, 3))))
    data["binary_logits"] = (f32(rng.integers(0, 2, size=(4, 3))), f32(rng.normal(size=(4, 3)) * 2.0))
    data["categorical"] = (one_hot(rng.integers(0, 3, size=4)), f32(softmax(rng.normal(size=(4, 3)))))
    data["categorical_logits"] = (one_hot(rng.integers(0, 3, size=4)), f32(rng.normal(size=(4, 3)) * 2.0))
    data["sparse"] = (rng.integers(0, 3, size=4).astype("int32"), f32(softmax(rng.normal(size=(4, 3)))))
    data["sparse_logits"] = (rng.integers(0, 3, size=4).astype("int32"), f32(rng.normal(size=(4, 3)) * 2.0))
    data["hinge"] = (f32(rng.integers(0, 2, size=(4, 3)) * 2 - 1), f32(rng.normal(size=(4, 3))))
    data["rank3"] = (f32(rng.normal(size=(2, 3, 4))), f32(rng.normal(size=(2, 3, 4))))
    data["rank3_categorical"] = (one_hot(rng.integers(0, 4, size=(2, 3)), 4),
                                 f32(softmax(rng.normal(size=(2, 3, 4)))))
    return {k: (yt.tolist(), yp.tolist()) for k, (yt, yp) in data.items()}


# Function-name cases: (name or list of alternative names, input set). Where a list is given the
# first name that keras.losses.get resolves is used and recorded.
FUNCTIONS = [
    ("mean_squared_error", "regression"),
    ("mse", "regression"),
    ("mean_absolute_error", "regression"),
    ("mae", "regression"),
    ("mean_absolute_percentage_error", "positive"),
    ("mape", "positive"),
    ("mean_squared_logarithmic_error", "positive"),
    ("msle", "positive"),
    (["huber", "huber_loss"], "regression"),
    (["log_cosh", "logcosh"], "regression"),
    ("hinge", "hinge"),
    ("squared_hinge", "hinge"),
    ("categorical_hinge", "categorical"),
    ("kl_divergence", "positive"),
    ("kld", "positive"),
    ("poisson", "positive"),
    ("cosine_similarity", "regression"),
    ("binary_crossentropy", "binary"),
    ("categorical_crossentropy", "categorical"),
    ("sparse_categorical_crossentropy", "sparse"),
    ("binary_focal_crossentropy", "binary"),
    ("categorical_focal_crossentropy", "categorical"),
    ("mse", "rank3"),
    ("mae", "rank3"),
]

# Class-form cases: (class name, keyword arguments, input set).
CLASSES = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "positive"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("Huber", {"delta": 1.0}, "regression"),
    ("Huber", {"delta": 0.5}, "regression"),
    ("LogCosh", {}, "regression"),
    ("Hinge", {}, "hinge"),
    ("SquaredHinge", {}, "hinge"),
    ("CategoricalHinge", {}, "categorical"),
    ("KLDivergence", {}, "positive"),
    ("Poisson", {}, "positive"),
    ("CosineSimilarity", {"axis": -1}, "regression"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True}, "binary_logits"),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, "binary"),
    ("CategoricalCrossentropy", {}, "categorical"),
    ("CategoricalCrossentropy", {"from_logits": True}, "categorical_logits"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, "categorical"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "categorical_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("BinaryFocalCrossentropy", {"gamma": 2.0}, "binary"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.25, "gamma": 2.0}, "binary"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "gamma": 1.5, "label_smoothing": 0.1},
     "binary_logits"),
    ("CategoricalFocalCrossentropy", {"alpha": 0.25, "gamma": 2.0}, "categorical"),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, "categorical_logits"),
    ("MeanSquaredError", {"reduction": "sum"}, "regression"),
    ("CategoricalCrossentropy", {"reduction": "sum"}, "categorical"),
    ("Huber", {}, "rank3"),
    ("CategoricalCrossentropy", {}, "rank3_categorical"),
]

WORKER = r"""
import json, os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ["JAX_PLATFORMS"] = "cpu"
os.environ["KERAS_BACKEND"] = "jax"
import numpy as np
flavour = sys.argv[1]
if flavour == "keras3":
    import jax
    import jax.numpy as jnp
    import keras
    assert keras.backend.backend() == "jax"
    version = "keras-" + ".".join(keras.__version__.split(".")[:2])
    NONE = None
else:
    import tensorflow as tf
    import tf_keras as keras
    version = "tfkeras-" + ".".join(keras.__version__.split(".")[:2])
    NONE = "none"
spec = json.loads(sys.stdin.read())

def arrays(name):
    yt, yp = spec["data"][name]
    yt = np.asarray(yt, dtype="int32" if name.startswith("sparse") else "float32")
    return yt, np.asarray(yp, dtype="float32")

def evaluate(fn, yt, yp):
    # (value of fn, d value / d y_pred); fn returns a scalar.
    if flavour == "keras3":
        value, grad = jax.value_and_grad(lambda p: fn(jnp.asarray(yt), p))(jnp.asarray(yp))
    else:
        p = tf.constant(yp)
        with tf.GradientTape() as tape:
            tape.watch(p)
            value = fn(tf.constant(yt), p)
        grad = tape.gradient(value, p)
    return np.asarray(value, dtype="float32"), np.asarray(grad, dtype="float32")

def as_numpy(x):
    return np.asarray(x, dtype="float32")

def record(loss, data, yt, yp, value, per_example, grad):
    assert value.shape == (), value.shape
    assert grad.shape == yp.shape, (grad.shape, yp.shape)
    return {"keras": version, "loss": loss, "data": data, "y_true": yt.tolist(),
            "y_pred": yp.tolist(), "value": float(value), "per_example": per_example.tolist(),
            "grad": grad.tolist()}

cases, skipped = [], []
for names, data in spec["functions"]:
    names = [names] if isinstance(names, str) else names
    fn, used = None, None
    for n in names:
        try:
            fn, used = keras.losses.get(n), n
            break
        except (ValueError, KeyError, TypeError):
            continue
    if fn is None:
        skipped.append(f"{version}: no loss function named {names}")
        continue
    yt, yp = arrays(data)
    if flavour == "keras3":
        per = as_numpy(fn(jnp.asarray(yt), jnp.asarray(yp)))
        mean = lambda t, p: jnp.mean(fn(t, p))
    else:
        per = as_numpy(fn(tf.constant(yt), tf.constant(yp)))
        mean = lambda t, p: tf.reduce_mean(fn(t, p))
    value, grad = evaluate(mean, yt, yp)
    cases.append(record(used, data, yt, yp, value, per, grad))

for cls_name, kwargs, data in spec["classes"]:
    cls = getattr(keras.losses, cls_name, None)
    if cls is None:
        skipped.append(f"{version}: no class keras.losses.{cls_name}")
        continue
    try:
        loss = cls(**kwargs)
        unreduced = cls(**{**kwargs, "reduction": NONE})
    except (TypeError, ValueError) as e:
        skipped.append(f"{version}: {cls_name}({kwargs}) not accepted: {e}")
        continue
    yt, yp = arrays(data)
    value, grad = evaluate(loss, yt, yp)
    if flavour == "keras3":
        per = as_numpy(unreduced(jnp.asarray(yt), jnp.asarray(yp)))
    else:
        per = as_numpy(unreduced(tf.constant(yt), tf.constant(yp)))
    serialized = keras.losses.serialize(loss)
    cases.append(record(serialized, data, yt, yp, value, per, grad))
    cases[-1]["_args"] = json.dumps(kwargs, sort_keys=True)  # for the comparison; not written
    # What a loader rebuilds from the serialized config, where that differs from the object (Keras
    # 3.15's Huber.get_config drops `delta`, so a reloaded Huber(0.5) computes Huber(1.0)).
    reloaded_value, reloaded_grad = evaluate(keras.losses.deserialize(serialized), yt, yp)
    if reloaded_value != value or not np.array_equal(reloaded_grad, grad):
        cases[-1]["reloaded_value"] = float(reloaded_value)
        cases[-1]["reloaded_grad"] = reloaded_grad.tolist()

json.dump({"cases": cases, "skipped": skipped}, sys.stdout)
"""


def main():
    data = make_data()
    spec = json.dumps({"data": data, "functions": FUNCTIONS, "classes": CLASSES})
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu",
               KERAS_BACKEND="jax")
    runs = {}
    for flavour in ("keras3", "tfkeras"):
        done = subprocess.run([sys.executable, "-c", WORKER, flavour], input=spec, text=True,
                              capture_output=True, env=env)
        if done.returncode != 0:
            sys.exit(done.stderr)
        runs[flavour] = json.loads(done.stdout)
        for note in runs[flavour]["skipped"]:
            print("skipped:", note)

    # Keys for the cross-flavour comparison: same loss (function name, or class name plus the
    # spec's arguments) and data. The workers tag class cases with their arguments.
    def key(case):
        loss = case["loss"]
        if isinstance(loss, str):
            return ("fn", {"huber_loss": "huber", "logcosh": "log_cosh"}.get(loss, loss), case["data"])
        return ("cls", loss["class_name"], case.pop("_args"), case["data"])

    keyed = {f: {key(c): c for c in runs[f]["cases"]} for f in runs}
    assert all(len(keyed[f]) == len(runs[f]["cases"]) for f in runs), "duplicate cases"
    cases = runs["keras3"]["cases"] + runs["tfkeras"]["cases"]
    for case in cases:
        for field in ("value", "per_example", "grad"):
            assert np.all(np.isfinite(np.asarray(case[field], dtype="float64"))), (case["loss"], field)
        if isinstance(case["loss"], dict):
            assert "class_name" in case["loss"] and "config" in case["loss"], case["loss"]

    doc = {"_comment": "Written by scripts/keras_fixtures/make_loss_values.py; do not edit.", "cases": cases}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    size = OUT.stat().st_size
    print(f"wrote {OUT}: {len(runs['keras3']['cases'])} keras3 and {len(runs['tfkeras']['cases'])} "
          f"tf.keras cases, {size // 1024} KB")

    k3, tk = keyed["keras3"], keyed["tfkeras"]
    print("max |value(keras3) - value(tf.keras)|, and max abs grad / per-example differences:")
    for k in k3:
        if k in tk:
            a, b = k3[k], tk[k]
            dv = abs(a["value"] - b["value"])
            dg = float(np.max(np.abs(np.asarray(a["grad"]) - np.asarray(b["grad"]))))
            pa, pb = np.asarray(a["per_example"]), np.asarray(b["per_example"])
            dp = float(np.max(np.abs(pa - pb))) if pa.shape == pb.shape else float("nan")
            flag = "  <--" if max(dv, dg, dp if dp == dp else 1.0) > 1e-5 else ""
            print(f"  {' '.join(map(str, k)):70s} value {dv:.2e} grad {dg:.2e} per {dp:.2e}{flag}")
        else:
            print(f"  {' '.join(map(str, k)):70s} keras3 only")


if __name__ == "__main__":
    main()
