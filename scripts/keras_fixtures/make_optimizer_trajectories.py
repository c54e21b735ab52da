#!/usr/bin/env python3
"""Writes tests/fixtures/keras/gen/optimizers.json: what real Keras's optimizers and learning-rate
schedules do, step by step, for Kiln's optimizer tests to reproduce.

Each optimizer case trains one Dense(2) layer on 3 inputs (fixed weights, one fixed batch of 8,
mean squared error) for STEPS calls of train_on_batch and records the kernel and bias after every
step, with the optimizer's config as that Keras serializes it (Kiln rebuilds the optimizer from
that config, as it would from a saved file). The data make the gradients differ in size and sign
across the weights, so clipping, decay and sign-based rules all show.

Each schedule case records the schedule's config and its value at steps 0..SCHEDULE_STEPS-1.

Run once with the pinned Keras (scripts/keras_fixtures/requirements.txt):

    ~/.cache/kiln-keras-venv/bin/python scripts/keras_fixtures/make_optimizer_trajectories.py
"""
import json
import os
import pathlib
import subprocess
import sys

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "keras" / "gen" / "optimizers.json"
STEPS = 6
SCHEDULE_STEPS = 12

# (optimizer class, keyword arguments); the same list runs in Keras 3 and in tf.keras 2.x.
OPTIMIZERS = [
    ("SGD", {"learning_rate": 0.1}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.2}),
    ("SGD", {"learning_rate": 0.1, "global_clipnorm": 0.5}),
    ("SGD", {"learning_rate": 0.1, "weight_decay": 0.05}),
    ("RMSprop", {"learning_rate": 0.01}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    ("Adam", {"learning_rate": 0.05}),
    ("Adam", {"learning_rate": 0.05, "amsgrad": True}),
    ("Adam", {"learning_rate": 0.05, "weight_decay": 0.1}),
    ("AdamW", {"learning_rate": 0.05}),
    ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adamax", {"learning_rate": 0.05}),
    ("Nadam", {"learning_rate": 0.05}),
    ("Ftrl", {"learning_rate": 0.1}),
    ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.05,
              "l2_regularization_strength": 0.1, "l2_shrinkage_regularization_strength": 0.02,
              "beta": 0.5, "learning_rate_power": -0.7}),
    ("Lion", {"learning_rate": 0.01}),
    ("Lion", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9}),
    # Exponential moving averages of the weights, copied into them every few steps and by
    # finalize_variable_values (what fit does at its end), recorded as "finalized".
    ("SGD", {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.5,
             "ema_overwrite_frequency": 2}),
    ("Adam", {"learning_rate": 0.05, "use_ema": True, "ema_momentum": 0.9}),
    # An optimizer driven by a schedule, as model files store it.
    ("SGD", {"learning_rate": ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 2,
                                                     "decay_rate": 0.5})}),
    ("Adam", {"learning_rate": ("CosineDecay", {"initial_learning_rate": 0.05, "decay_steps": 4,
                                                 "warmup_target": 0.1, "warmup_steps": 2})}),
]

# Keras 2's `decay` argument, only in tf.keras's legacy (optimizer_v2) optimizers.
LEGACY_OPTIMIZERS = [
    ("SGD", {"learning_rate": 0.1, "decay": 0.25}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "decay": 0.25}),
    ("Adam", {"learning_rate": 0.05, "decay": 0.25}),
    ("RMSprop", {"learning_rate": 0.01, "decay": 0.25}),
]

SCHEDULES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}),
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5,
                          "staircase": True}),
    ("PiecewiseConstantDecay", {"boundaries": [2, 5], "values": [0.1, 0.05, 0.01]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "end_learning_rate": 0.01,
                         "power": 2.0}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 4, "end_learning_rate": 0.01,
                         "power": 0.5, "cycle": True}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5,
                          "staircase": True}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 6, "alpha": 0.1}),
    ("CosineDecay", {"initial_learning_rate": 0.05, "decay_steps": 6, "alpha": 0.0,
                     "warmup_target": 0.1, "warmup_steps": 3}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 2, "t_mul": 2.0,
                             "m_mul": 0.5, "alpha": 0.1}),
]

WORKER = r"""
import json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np
flavour = sys.argv[1]
if flavour == "keras3":
    import keras
    version = "keras-" + ".".join(keras.__version__.split(".")[:2])
else:
    import tf_keras as keras
    version = "tfkeras-" + ".".join(keras.__version__.split(".")[:2])
spec = json.loads(sys.stdin.read())

def schedule(entry):
    cls, kwargs = entry
    return getattr(keras.optimizers.schedules, cls)(**kwargs)

def optimizer(cls, kwargs, legacy):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), list):
        kwargs["learning_rate"] = schedule(kwargs["learning_rate"])
    module = keras.optimizers.legacy if legacy else keras.optimizers
    return getattr(module, cls)(**kwargs)

rng = np.random.default_rng(7)
x = rng.normal(size=(8, 3)).astype("float32")
y = rng.normal(size=(8, 2)).astype("float32") * 2.0
kernel = rng.normal(size=(3, 2)).astype("float32") * 0.5
bias = np.array([0.25, -0.5], dtype="float32")

out = {"optimizers": [], "schedules": []}
cases = [(c, k, False) for c, k in spec["optimizers"]]
if flavour != "keras3":
    cases += [(c, k, True) for c, k in spec["legacy"]]
for cls, kwargs, legacy in cases:
    opt = optimizer(cls, kwargs, legacy)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, name="dense")])
    # tf.keras's compiled Nadam keeps its u_product counter in Python, so once traced it multiplies
    # u_product by every variable's update after the first step; eager tf.keras, Keras 3 and Kiln
    # multiply once per step. Record the eager (intended) arithmetic.
    eager = flavour == "tfkeras" and cls == "Nadam"
    model.compile(optimizer=opt, loss="mse", run_eagerly=eager)
    model.layers[0].set_weights([kernel, bias])
    after = []
    for _ in range(spec["steps"]):
        model.train_on_batch(x, y)
        k, b = model.layers[0].get_weights()
        after.append({"kernel": k.tolist(), "bias": b.tolist()})
    case = {
        "keras": version,
        "optimizer": keras.optimizers.serialize(opt),
        "run_eagerly": eager,
        "after": after,
    }
    if kwargs.get("use_ema"):
        opt.finalize_variable_values(model.trainable_variables)
        k, b = model.layers[0].get_weights()
        case["finalized"] = {"kernel": k.tolist(), "bias": b.tolist()}
    out["optimizers"].append(case)
if flavour == "keras3":
    import keras.ops as K
for cls, kwargs in spec["schedules"]:
    s = schedule((cls, kwargs))
    values = [float(np.asarray(s(step))) for step in range(spec["schedule_steps"])]
    out["schedules"].append({"keras": version, "schedule": keras.optimizers.schedules.serialize(s),
                             "values": values})
out["data"] = {"x": x.tolist(), "y": y.tolist(), "kernel": kernel.tolist(), "bias": bias.tolist()}
json.dump(out, sys.stdout, default=float)
"""


def main():
    spec = json.dumps({"optimizers": OPTIMIZERS, "legacy": LEGACY_OPTIMIZERS, "schedules": SCHEDULES,
                       "steps": STEPS, "schedule_steps": SCHEDULE_STEPS})
    runs = {}
    for flavour in ("keras3", "tfkeras"):
        done = subprocess.run([sys.executable, "-c", WORKER, flavour], input=spec, text=True,
                              capture_output=True)
        if done.returncode != 0:
            sys.exit(done.stderr)
        runs[flavour] = json.loads(done.stdout)
    assert runs["keras3"]["data"] == runs["tfkeras"]["data"]
    doc = {
        "_comment": "Written by scripts/keras_fixtures/make_optimizer_trajectories.py; do not edit.",
        "steps": STEPS,
        "data": runs["keras3"]["data"],
        "optimizers": runs["keras3"]["optimizers"] + runs["tfkeras"]["optimizers"],
        "schedules": runs["keras3"]["schedules"] + runs["tfkeras"]["schedules"],
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT}: {len(doc['optimizers'])} optimizer and {len(doc['schedules'])} schedule cases")


if __name__ == "__main__":
    main()
