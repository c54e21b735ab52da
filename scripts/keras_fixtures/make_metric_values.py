#!/usr/bin/env python3
"""Writes tests/fixtures/keras/gen/metrics.json: what real Keras's stateful metrics compute, for
Kiln's metric tests to reproduce.

Each case names a metric in the class form that keras.metrics.serialize writes ({"class_name": ...,
"config": ...}), its name, and one input set of two batches (batch 1 has 6 samples, batch 2 has 4).
The metric object is created, update_state(y_true_1, y_pred_1) is called and result() recorded as
"after_1"; then update_state(y_true_2, y_pred_2) and result() as "after_2" (the running value over
both batches); then reset_state(), update_state(y_true_2, y_pred_2) and result() as
"batch_2_alone". Results are floats, or nested lists where the metric gives an array (F1Score with
average=None, Recall with several thresholds, R2Score with class_aggregation=None, ...). Every case
runs in Keras 3 and in tf.keras 2.x, each in its own worker process; where a flavour lacks a metric
or an argument the case is skipped with a note.

Each input set also has one weight per sample for each batch, "sample_weight_1" and
"sample_weight_2" (float32 in [0, 2), shape (n,), with at least one exact 0.0 in every batch of 3
or more samples, drawn from their own seeded generator so the data draws above stay as they were).
A fresh metric built from the same (serialized) config repeats the three steps with
update_state(y_true, y_pred, sample_weight=w): "weighted_after_1", "weighted_after_2" (running, same
object) and "weighted_batch_2_alone" (after reset_state()). Where a flavour's metric raises when
given sample_weight, the three weighted keys are null and a note is printed.

Run once with the pinned Keras (scripts/keras_fixtures/requirements.txt), from the repo root:

    ~/.cache/kiln-keras-venv/bin/python scripts/keras_fixtures/make_metric_values.py
"""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "keras" / "gen" / "metrics.json"

BATCH_SIZES = (6, 4)
WEIGHT_SEED = 29


def make_weights(names):
    """One weight per sample for each batch of each input set: float32 in [0, 2), with at least one
    exact 0.0 per batch of 3 or more samples. Drawn from a generator of their own, so that adding
    them leaves the data draws in make_data unchanged. Returns {label: [w_1, w_2]} as lists."""
    rng = np.random.default_rng(WEIGHT_SEED)
    out = {}
    for name in names:
        ws = []
        for n in BATCH_SIZES:
            w = rng.random(n, dtype=np.float32) * np.float32(2.0)  # exact in float32: [0, 2)
            if n >= 3:
                w[rng.integers(0, n)] = 0.0
            assert w.dtype == np.float32 and w.shape == (n,) and np.all((w >= 0) & (w < 2)), name
            ws.append(w.tolist())
        out[name] = ws
    return out


def make_data():
    """The input sets, two batches each, float32 (int32 for integer labels), the same for both
    flavours. Returns {label: {"int_true": bool, "int_pred": bool, "batches": [(yt, yp), (yt, yp)]}}."""
    rng = np.random.default_rng(13)
    f32 = lambda a: np.asarray(a, dtype="float32")

    def softmax(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def binary_labels(n):
        # Both classes in every batch.
        while True:
            y = rng.integers(0, 2, size=(n, 1))
            if 0 < y.sum() < n:
                return f32(y)

    sets = {name: [] for name in ("binary", "binary_logits", "multilabel", "categorical", "sparse",
                                  "regression", "positive", "segmentation")}
    for n in BATCH_SIZES:
        yt = binary_labels(n)
        yp = f32(rng.uniform(0.0, 1.0, size=(n, 1)))
        sets["binary"].append((yt, yp))
        sets["binary_logits"].append((yt, f32(np.log(yp / (1.0 - yp)))))
        sets["multilabel"].append((f32(rng.integers(0, 2, size=(n, 3))),
                                   f32(rng.uniform(0.0, 1.0, size=(n, 3)))))
        sets["categorical"].append((np.eye(4, dtype="float32")[rng.integers(0, 4, size=n)],
                                    f32(softmax(rng.normal(size=(n, 4))))))
        sets["sparse"].append((rng.integers(0, 4, size=n).astype("int32"),
                               f32(softmax(rng.normal(size=(n, 4))))))
        sets["regression"].append((f32(rng.normal(size=(n, 2))), f32(rng.normal(size=(n, 2)))))
        sets["positive"].append((f32(rng.uniform(0.1, 3.0, size=(n, 2))),
                                 f32(rng.uniform(0.1, 3.0, size=(n, 2)))))
        sets["segmentation"].append((rng.integers(0, 3, size=n).astype("int32"),
                                     rng.integers(0, 3, size=n).astype("int32")))
    out = {}
    for name, batches in sets.items():
        for yt, yp in batches:
            assert np.all(np.isfinite(yt)) and np.all(np.isfinite(yp)), name
        out[name] = {"int_true": batches[0][0].dtype == np.int32,
                     "int_pred": batches[0][1].dtype == np.int32,
                     "batches": [(yt.tolist(), yp.tolist()) for yt, yp in batches]}
    for name, (w1, w2) in make_weights(list(sets)).items():
        out[name]["sample_weights"] = [w1, w2]
    return out


# Cases: (class name, keyword arguments, input set).
CASES = [
    # Accuracy family.
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary"),
    ("CategoricalAccuracy", {}, "categorical"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("Accuracy", {}, "segmentation"),
    # Confusion-matrix based.
    ("Precision", {}, "binary"),
    ("Recall", {}, "binary"),
    ("Precision", {"thresholds": 0.3}, "binary"),
    ("Recall", {"thresholds": [0.3, 0.7]}, "binary"),
    ("Precision", {"class_id": 1}, "multilabel"),
    ("Recall", {"top_k": 2}, "multilabel"),
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {}, "binary"),
    ("TrueNegatives", {}, "binary"),
    ("FalseNegatives", {}, "binary"),
    ("TruePositives", {"thresholds": [0.2, 0.5, 0.8]}, "multilabel"),
    ("AUC", {}, "binary"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"num_thresholds": 50}, "binary"),
    ("AUC", {"multi_label": True, "num_labels": 3}, "multilabel"),
    ("F1Score", {"threshold": 0.5}, "multilabel"),
    ("F1Score", {"average": "macro", "threshold": 0.5}, "multilabel"),
    ("F1Score", {"average": "micro", "threshold": 0.5}, "multilabel"),
    ("FBetaScore", {"beta": 2.0, "threshold": 0.5, "average": "weighted"}, "multilabel"),
    ("PrecisionAtRecall", {"recall": 0.5}, "binary"),
    ("RecallAtPrecision", {"precision": 0.6}, "binary"),
    ("SensitivityAtSpecificity", {"specificity": 0.5}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.5}, "binary"),
    # Regression.
    ("MeanSquaredError", {}, "positive"),
    ("MeanAbsoluteError", {}, "positive"),
    ("RootMeanSquaredError", {}, "positive"),
    ("MeanAbsolutePercentageError", {}, "positive"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("CosineSimilarity", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("R2Score", {"class_aggregation": None}, "regression"),
    ("Poisson", {}, "positive"),
    ("KLDivergence", {}, "positive"),
    # Probabilistic.
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "categorical"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("Hinge", {}, "binary"),
    ("SquaredHinge", {}, "binary"),
    ("CategoricalHinge", {}, "categorical"),
    # Segmentation.
    ("MeanIoU", {"num_classes": 3}, "segmentation"),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, "segmentation"),
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
    import keras
    assert keras.backend.backend() == "jax"
    version = "keras-" + ".".join(keras.__version__.split(".")[:2])
else:
    import tensorflow as tf
    import tf_keras as keras
    version = "tfkeras-" + ".".join(keras.__version__.split(".")[:2])
spec = json.loads(sys.stdin.read())

def batches(name):
    d = spec["data"][name]
    out = []
    for yt, yp in d["batches"]:
        out.append((np.asarray(yt, dtype="int32" if d["int_true"] else "float32"),
                    np.asarray(yp, dtype="int32" if d["int_pred"] else "float32")))
    return out

def weights(name):
    return [np.asarray(w, dtype="float32") for w in spec["data"][name]["sample_weights"]]

def value(metric):
    r = np.asarray(metric.result(), dtype="float32")
    return float(r) if r.shape == () else r.tolist()

cases, skipped = [], []
for cls_name, kwargs, data in spec["cases"]:
    cls = getattr(keras.metrics, cls_name, None)
    if cls is None:
        skipped.append(f"{version}: no class keras.metrics.{cls_name}")
        continue
    try:
        metric = cls(**kwargs)
    except (TypeError, ValueError) as e:
        skipped.append(f"{version}: {cls_name}({kwargs}) not accepted: {e}")
        continue
    (yt1, yp1), (yt2, yp2) = batches(data)
    metric.update_state(yt1, yp1)
    after_1 = value(metric)
    metric.update_state(yt2, yp2)
    after_2 = value(metric)
    metric.reset_state()
    metric.update_state(yt2, yp2)
    batch_2_alone = value(metric)
    serialized = json.loads(json.dumps(keras.metrics.serialize(metric)))
    case = {"keras": version, "metric": serialized, "name": metric.name, "data": data,
                  "y_true_1": yt1.tolist(), "y_pred_1": yp1.tolist(),
                  "y_true_2": yt2.tolist(), "y_pred_2": yp2.tolist(),
                  "after_1": after_1, "after_2": after_2, "batch_2_alone": batch_2_alone,
                  "_args": json.dumps(kwargs, sort_keys=True)}  # for the comparison; not written
    cases.append(case)
    # A metric rebuilt from its serialized config should compute the same; report where not.
    try:
        reloaded = keras.metrics.deserialize(serialized)
        reloaded.update_state(yt1, yp1)
        reloaded.update_state(yt2, yp2)
        r2 = value(reloaded)
        if not np.array_equal(np.asarray(r2), np.asarray(after_2)):
            skipped.append(f"{version}: note: {cls_name}({kwargs}) reloaded from its config gives "
                           f"after_2 {r2} instead of {after_2}")
    except Exception as e:
        skipped.append(f"{version}: note: {cls_name}({kwargs}) does not deserialize: {e!r}")
    # The same steps with per-sample weights, on a fresh metric built from the same config. Built
    # from the serialized config (which names it) rather than from cls(**kwargs), so that it takes
    # no automatic name ("precision_1", ...) and the names of the cases after it stay as they are.
    sw1, sw2 = weights(data)
    case["sample_weight_1"], case["sample_weight_2"] = sw1.tolist(), sw2.tolist()
    try:
        weighted = keras.metrics.deserialize(serialized)
    except Exception:
        weighted = cls(name=metric.name, **kwargs)
    try:
        weighted.update_state(yt1, yp1, sample_weight=sw1)
        w_after_1 = value(weighted)
        weighted.update_state(yt2, yp2, sample_weight=sw2)
        w_after_2 = value(weighted)
        weighted.reset_state()
        weighted.update_state(yt2, yp2, sample_weight=sw2)
        w_batch_2_alone = value(weighted)
    except Exception as e:
        skipped.append(f"{version}: note: {cls_name}({kwargs}) with sample_weight raises: {e!r}; "
                       "weighted keys null")
        w_after_1 = w_after_2 = w_batch_2_alone = None
    case["weighted_after_1"] = w_after_1
    case["weighted_after_2"] = w_after_2
    case["weighted_batch_2_alone"] = w_batch_2_alone

json.dump({"cases": cases, "skipped": skipped}, sys.stdout)
"""


def main():
    data = make_data()
    spec = json.dumps({"data": data, "cases": CASES})
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
            print("skipped:" if ": note: " not in note else "", note)

    key = lambda case: (case["metric"]["class_name"], case.pop("_args"), case["data"])
    keyed = {f: {key(c): c for c in runs[f]["cases"]} for f in runs}
    assert all(len(keyed[f]) == len(runs[f]["cases"]) for f in runs), "duplicate cases"
    cases = runs["keras3"]["cases"] + runs["tfkeras"]["cases"]
    for case in cases:
        for field in ("after_1", "after_2", "batch_2_alone"):
            assert np.all(np.isfinite(np.asarray(case[field], dtype="float64"))), (case["name"], field)
        fields = ("weighted_after_1", "weighted_after_2", "weighted_batch_2_alone")
        assert all(case[f] is None for f in fields) or not any(case[f] is None for f in fields)
        for field in fields:
            if case[field] is not None:
                assert np.all(np.isfinite(np.asarray(case[field], dtype="float64"))), (case["name"], field)
        assert "class_name" in case["metric"] and "config" in case["metric"], case["metric"]

    doc = {"_comment": "Written by scripts/keras_fixtures/make_metric_values.py; do not edit.", "cases": cases}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    size = OUT.stat().st_size
    assert size < 300 * 1024, size
    print(f"wrote {OUT}: {len(runs['keras3']['cases'])} keras3 and {len(runs['tfkeras']['cases'])} "
          f"tf.keras cases, {size // 1024} KB")

    k3, tk = keyed["keras3"], keyed["tfkeras"]
    print("max |after_2(keras3) - after_2(tf.keras)| (and after_1, batch_2_alone; unweighted and "
          "weighted; nan where a weighted value is null):")
    for k in k3:
        if k in tk:
            a, b = k3[k], tk[k]
            diffs = []
            for field in ("after_2", "after_1", "batch_2_alone", "weighted_after_2",
                          "weighted_after_1", "weighted_batch_2_alone"):
                if a[field] is None or b[field] is None:
                    diffs.append(float("nan"))
                    continue
                x, y = np.asarray(a[field], dtype="float64"), np.asarray(b[field], dtype="float64")
                diffs.append(float(np.max(np.abs(x - y))) if x.shape == y.shape else float("inf"))
            flag = "  <--" if np.nanmax(diffs) > 1e-5 or np.isnan(diffs).any() else ""
            print(f"  {' '.join(map(str, k)):75s} after_2 {diffs[0]:.2e} after_1 {diffs[1]:.2e} "
                  f"alone {diffs[2]:.2e}  weighted: after_2 {diffs[3]:.2e} after_1 {diffs[4]:.2e} "
                  f"alone {diffs[5]:.2e}{flag}")
        else:
            print(f"  {' '.join(map(str, k)):75s} keras3 only")
    for k in tk:
        if k not in k3:
            print(f"  {' '.join(map(str, k)):75s} tf.keras only")


if __name__ == "__main__":
    main()
