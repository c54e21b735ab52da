#!/usr/bin/env python3
"""Writes tests/fixtures/keras/gen/training_traces.json and one model file per case and flavour,
tests/fixtures/keras/gen/<flavour>_trace-<case>.h5 (e.g. keras-3.15_trace-l2-kernel.h5,
tfkeras-2.21_trace-frozen-bn.h5): what real Keras's training step does with weight and activity
regularizers, frozen layers and BatchNormalization, for Kiln's training tests to reproduce.

Each case is a small Sequential model compiled with plain SGD(learning_rate=0.1) and the case's
loss (mse). Its initial weights (made here, the same for both flavours) are set and the model is
saved, untrained, to legacy HDF5 (model.save(path.h5), optimizer included), so the file holds the
initial weights and the config with its regularizers and trainable flags. The model is then
trained STEPS calls of train_on_batch on one fixed batch of 8 samples; after each call the JSON
records the returned loss (which includes the regularization losses) and model.get_weights() (all
weights, non-trainable ones such as BatchNormalization's moving statistics included, in
get_weights order; `weight_names` names them). After the last step it records evaluate(x, y) and
predict(x). Each flavour runs in its own worker process (Keras 3 on JAX: `import keras`; tf.keras
2.x: `import tf_keras as keras`); where a flavour lacks a feature the case is skipped with a note.
Each file is then reloaded with the same flavour's keras.models.load_model and checked to hold the
initial weights; `load_check` says how that went.

Run once with the pinned Keras (scripts/keras_fixtures/requirements.txt), from the repo root:

    ~/.cache/kiln-keras-venv/bin/python scripts/keras_fixtures/make_training_traces.py
"""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np

GEN = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "keras" / "gen"
OUT = GEN / "training_traces.json"
STEPS = 4
BATCH = 8
MAX_FILE_BYTES = 60 * 1024


def dense(units, name, **kw):
    return {"type": "Dense", "units": units, "name": name, **kw}


# (case name, notes, layers, extra) with layers as plain specs the workers build. A regularizer is
# a string (keras.regularizers.get) or [class name, kwargs]. "trainable": False is set on the layer
# (or nested model) before compile. extra: "loss" (default "mse"), "requires" (an attribute path
# that the flavour must have, else the case is skipped).
CASES = [
    ("l2-kernel",
     "Dense(5, tanh, kernel_regularizer=L2(0.05)) -> Dense(2); mse, SGD(0.1).",
     [dense(5, "d1", activation="tanh", kernel_regularizer=["L2", {"l2": 0.05}]),
      dense(2, "d2")], {}),
    ("l1-kernel-bias",
     "Dense(5, tanh, kernel_regularizer=L1(0.02), bias_regularizer=L2(0.1), bias Constant(0.3)) -> "
     "Dense(2, kernel_regularizer=L1L2(l1=0.01, l2=0.03), bias Constant(0.3)); the initial biases "
     "are 0.3 everywhere.",
     [dense(5, "d1", activation="tanh", kernel_regularizer=["L1", {"l1": 0.02}],
            bias_regularizer=["L2", {"l2": 0.1}], bias_initializer=["Constant", {"value": 0.3}]),
      dense(2, "d2", kernel_regularizer=["L1L2", {"l1": 0.01, "l2": 0.03}],
            bias_initializer=["Constant", {"value": 0.3}])], {}),
    ("activity",
     "Dense(5, tanh, activity_regularizer=L2(0.1)) -> Dense(2, activity_regularizer=L1(0.05)). "
     "Each layer's activity regularization is divided by the batch size (8), in tf.keras 2.21 and in "
     "Keras 3.15 alike.",
     [dense(5, "d1", activation="tanh", activity_regularizer=["L2", {"l2": 0.1}]),
      dense(2, "d2", activity_regularizer=["L1", {"l1": 0.05}])], {}),
    ("orthogonal",
     "Dense(6, tanh, kernel_regularizer=OrthogonalRegularizer(factor=0.1, mode='rows')) -> "
     "Dense(2, kernel_regularizer=OrthogonalRegularizer(factor=0.05, mode='columns')).",
     [dense(6, "d1", activation="tanh",
            kernel_regularizer=["OrthogonalRegularizer", {"factor": 0.1, "mode": "rows"}]),
      dense(2, "d2", kernel_regularizer=["OrthogonalRegularizer", {"factor": 0.05, "mode": "columns"}])],
     {"requires": "regularizers.OrthogonalRegularizer"}),
    ("string-regularizers",
     "Dense(5, tanh, kernel_regularizer='l2') -> Dense(2, kernel_regularizer='l1'): the string "
     "forms, default factor 0.01.",
     [dense(5, "d1", activation="tanh", kernel_regularizer="l2"),
      dense(2, "d2", kernel_regularizer="l1")], {}),
    ("constraints",
     "Dense(5, tanh, kernel_constraint=MaxNorm(0.6), bias_constraint=NonNeg()) -> Dense(3, "
     "kernel_constraint=UnitNorm(), bias_constraint=MinMaxNorm(0.2, 0.5, rate=0.5, axis=0)); the "
     "constraints apply after every update.",
     [dense(5, "d1", activation="tanh", kernel_constraint=["MaxNorm", {"max_value": 0.6}],
            bias_constraint=["NonNeg", {}], bias_initializer=["Constant", {"value": 0.3}]),
      dense(3, "d2", kernel_constraint=["UnitNorm", {}],
            bias_constraint=["MinMaxNorm", {"min_value": 0.2, "max_value": 0.5, "rate": 0.5}])],
     {}),
    ("frozen-dense",
     "Dense(5, tanh, name='base') with trainable=False set before compile -> Dense(2, name='head'); "
     "base's kernel and bias stay at their initial values.",
     [dense(5, "base", activation="tanh", trainable=False), dense(2, "head")], {}),
    ("frozen-bn",
     "Dense(6, name='d1') -> BatchNormalization(name='bn') with bn.trainable=False set before "
     "compile -> Activation('relu') -> Dense(2, name='head'). Initial BN weights: gamma ~1.5, beta "
     "~-0.2, moving_mean ~0.3, moving_variance ~2.0. A frozen BN runs in inference mode in training "
     "too (moving statistics, no updates).",
     [dense(6, "d1"), {"type": "BatchNormalization", "name": "bn", "trainable": False},
      {"type": "Activation", "activation": "relu", "name": "relu"}, dense(2, "head")], {}),
    ("trainable-bn",
     "As frozen-bn but with bn trainable: training-mode BN (batch statistics) and moving-statistic "
     "updates (momentum 0.99).",
     [dense(6, "d1"), {"type": "BatchNormalization", "name": "bn"},
      {"type": "Activation", "activation": "relu", "name": "relu"}, dense(2, "head")], {}),
    ("frozen-nested",
     "Nested model: base = Sequential([Input(4), Dense(5, tanh, name='inner')], name='base') with "
     "base.trainable=False set before compile; model = Sequential([Input(4), base, "
     "Dense(2, name='head')]).",
     [{"type": "Sequential", "name": "base", "trainable": False,
       "layers": [dense(5, "inner", activation="tanh")]},
      dense(2, "head")], {}),
]


def make_inits(layers, fan_in, rng):
    """Initial weights by layer name (nested models' layers included), float32 lists."""
    inits = {}
    for spec in layers:
        if spec["type"] == "Dense":
            units = spec["units"]
            limit = np.sqrt(6.0 / (fan_in + units))
            kernel = rng.uniform(-limit, limit, size=(fan_in, units))
            if "bias_initializer" in spec:
                bias = np.full(units, spec["bias_initializer"][1]["value"])
            else:
                bias = rng.uniform(-0.2, 0.2, size=units)
            inits[spec["name"]] = [kernel, bias]
            fan_in = units
        elif spec["type"] == "BatchNormalization":
            n = fan_in
            inits[spec["name"]] = [1.5 + 0.1 * rng.normal(size=n), -0.2 + 0.1 * rng.normal(size=n),
                                   0.3 + 0.2 * rng.normal(size=n), 2.0 + rng.uniform(-0.5, 0.5, size=n)]
        elif spec["type"] == "Sequential":
            inner, fan_in = make_inits(spec["layers"], fan_in, rng)
            inits.update(inner)
    return {k: [np.asarray(a, dtype="float32") for a in v] for k, v in inits.items()}, fan_in


def make_data():
    cases = []
    for i, (name, notes, layers, extra) in enumerate(CASES):
        rng = np.random.default_rng(100 + i)
        x = rng.normal(size=(BATCH, 4)).astype("float32")
        inits, out_dim = make_inits(layers, 4, rng)
        y = (rng.normal(size=(BATCH, out_dim)) * 1.5).astype("float32")
        cases.append({"case": name, "notes": notes, "layers": layers, "loss": extra.get("loss", "mse"),
                      "requires": extra.get("requires"), "x": x.tolist(), "y": y.tolist(),
                      "inits": {k: [a.tolist() for a in v] for k, v in inits.items()}})
    return cases


WORKER = r"""
import json, os, sys, warnings
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ["JAX_PLATFORMS"] = "cpu"
os.environ["KERAS_BACKEND"] = "jax"
warnings.filterwarnings("ignore")
import numpy as np
flavour, gen = sys.argv[1], sys.argv[2]
if flavour == "keras3":
    import keras
    assert keras.backend.backend() == "jax"
    version = "keras-" + ".".join(keras.__version__.split(".")[:2])
else:
    import tf_keras as keras
    version = "tfkeras-" + ".".join(keras.__version__.split(".")[:2])
spec = json.loads(sys.stdin.read())
f32 = lambda a: np.asarray(a, dtype="float32")

def regularizer(r):
    if r is None or isinstance(r, str):
        return keras.regularizers.get(r)
    return getattr(keras.regularizers, r[0])(**r[1])

def build_layer(s):
    if s["type"] == "Dense":
        kw = {k: regularizer(s.get(k)) for k in ("kernel_regularizer", "bias_regularizer",
                                                  "activity_regularizer") if k in s}
        for k in ("kernel_constraint", "bias_constraint"):
            if k in s:
                kw[k] = getattr(keras.constraints, s[k][0])(**s[k][1])
        if "bias_initializer" in s:
            kw["bias_initializer"] = getattr(keras.initializers, s["bias_initializer"][0])(**s["bias_initializer"][1])
        layer = keras.layers.Dense(s["units"], activation=s.get("activation"), name=s["name"], **kw)
    elif s["type"] == "BatchNormalization":
        layer = keras.layers.BatchNormalization(name=s["name"])
    elif s["type"] == "Activation":
        layer = keras.layers.Activation(s["activation"], name=s["name"])
    elif s["type"] == "Sequential":
        layer = keras.Sequential([keras.Input(shape=(4,))] + [build_layer(t) for t in s["layers"]],
                                 name=s["name"])
    return layer

def all_layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from all_layers(layer)

def weight_name(w):
    return w.path if flavour == "keras3" else w.name

def weights(model):
    return [w.tolist() for w in model.get_weights()]

def count(ws):
    return int(sum(int(np.prod(w.shape)) for w in ws))

cases, skipped = [], []
for c in spec["cases"]:
    if c["requires"]:
        obj = keras
        for part in c["requires"].split("."):
            obj = getattr(obj, part, None)
        if obj is None:
            skipped.append(f"{version}: {c['case']}: no keras.{c['requires']}")
            continue
    keras.utils.set_random_seed(1)
    x, y = f32(c["x"]), f32(c["y"])
    model = keras.Sequential([keras.Input(shape=(4,))] + [build_layer(s) for s in c["layers"]],
                             name="trace_" + c["case"].replace("-", "_"))
    by_name = {l.name: l for l in all_layers(model)}
    for name, arrays in c["inits"].items():
        by_name[name].set_weights([f32(a) for a in arrays])
    for s in c["layers"]:
        if s.get("trainable") is False:
            by_name[s["name"]].trainable = False
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=c["loss"])
    initial = [w.copy() for w in model.get_weights()]
    names = [weight_name(w) for w in model.weights]
    assert len(names) == len(initial)
    trainable, non_trainable = count(model.trainable_weights), count(model.non_trainable_weights)
    fname = f"{version}_trace-{c['case']}.h5"
    path = os.path.join(gen, fname)
    if os.path.exists(path):
        os.remove(path)  # this script's own output from an earlier run
    model.save(path)
    initial_predict = f32(model.predict(x, verbose=0))

    losses, after = [], []
    for _ in range(spec["steps"]):
        loss = model.train_on_batch(x, y)
        assert np.ndim(loss) == 0, loss
        losses.append(float(loss))
        after.append(weights(model))
    evaluate = model.evaluate(x, y, verbose=0)
    assert np.ndim(evaluate) == 0, evaluate
    predict = f32(model.predict(x, verbose=0))

    # Reload with the same flavour and check the file holds the initial weights and config.
    try:
        loaded, how = keras.models.load_model(path), "load_model ok"
    except Exception as e:
        loaded = keras.models.load_model(path, compile=False)
        how = f"load_model with compile=True failed ({type(e).__name__}: {str(e).splitlines()[0][:120]}); compile=False ok"
    lw = loaded.get_weights()
    assert len(lw) == len(initial) and all(np.array_equal(a, b) for a, b in zip(lw, initial)), c["case"]
    assert count(loaded.trainable_weights) == trainable and count(loaded.non_trainable_weights) == non_trainable, c["case"]
    d = float(np.max(np.abs(f32(loaded.predict(x, verbose=0)) - initial_predict)))
    how += f"; weights equal the initial ones; predict max diff {d:.1e}"
    try:
        loaded.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=c["loss"])
        re = [float(loaded.train_on_batch(x, y)) for _ in range(spec["steps"])]
        how += f"; recompiled and retrained, loss max diff {max(abs(a - b) for a, b in zip(re, losses)):.1e}"
    except Exception as e:
        how += f"; retraining the reloaded model failed: {type(e).__name__}"

    cases.append({"keras": version, "case": c["case"], "file": fname, "notes": c["notes"],
                  "loss": c["loss"], "x": c["x"], "y": c["y"],
                  "trainable_params": trainable, "non_trainable_params": non_trainable,
                  "weight_names": names, "losses": losses, "weights_after": after,
                  "evaluate": float(evaluate), "predict": predict.tolist(), "load_check": how})

json.dump({"cases": cases, "skipped": skipped}, sys.stdout)
"""


def main():
    data = make_data()
    spec = json.dumps({"cases": data, "steps": STEPS})
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu",
               KERAS_BACKEND="jax")
    GEN.mkdir(parents=True, exist_ok=True)
    runs = {}
    for flavour in ("keras3", "tfkeras"):
        done = subprocess.run([sys.executable, "-c", WORKER, flavour, str(GEN)], input=spec, text=True,
                              capture_output=True, env=env)
        if done.returncode != 0:
            sys.exit(done.stderr)
        runs[flavour] = json.loads(done.stdout)
        for note in runs[flavour]["skipped"]:
            print("skipped:", note)

    cases = runs["keras3"]["cases"] + runs["tfkeras"]["cases"]
    for case in cases:
        for field in ("losses", "weights_after", "evaluate", "predict"):
            assert all(np.all(np.isfinite(v)) for v in _leaves(case[field])), (case["case"], field)
        size = (GEN / case["file"]).stat().st_size
        assert size < MAX_FILE_BYTES, (case["file"], size)
        print(f"  {case['file']:45s} {size // 1024:3d} KB  {case['load_check']}")

    doc = {"_comment": "Written by scripts/keras_fixtures/make_training_traces.py; do not edit.",
           "steps": STEPS, "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT}: {len(runs['keras3']['cases'])} keras3 and {len(runs['tfkeras']['cases'])} "
          f"tf.keras cases, {OUT.stat().st_size // 1024} KB")

    # The two flavours start from the same weights and data; show where they part.
    tk = {c["case"]: c for c in runs["tfkeras"]["cases"]}
    print("keras3 vs tf.keras: initial-step loss, max |loss diff| over steps, max |weight diff| after the last step")
    for a in runs["keras3"]["cases"]:
        b = tk.get(a["case"])
        if b is None:
            print(f"  {a['case']:20s} keras3 only")
            continue
        dl = max(abs(p - q) for p, q in zip(a["losses"], b["losses"]))
        dw = max(float(np.max(np.abs(np.asarray(p) - np.asarray(q))))
                 for p, q in zip(a["weights_after"][-1], b["weights_after"][-1]))
        flag = "  <--" if max(dl, dw) > 1e-5 else ""
        print(f"  {a['case']:20s} loss[0] {a['losses'][0]:.6f} / {b['losses'][0]:.6f}  "
              f"loss {dl:.2e}  weights {dw:.2e}{flag}")


def _leaves(x):
    """Flattens nested lists of numbers (ragged across weights) into 1-d arrays."""
    if isinstance(x, (int, float)):
        return [np.asarray([x])]
    if x and all(isinstance(v, (int, float)) for v in x):
        return [np.asarray(x)]
    out = []
    for v in x:
        out += _leaves(v)
    return out or [np.zeros(0)]


if __name__ == "__main__":
    main()
