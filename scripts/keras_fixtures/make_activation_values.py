#!/usr/bin/env python3
"""Writes tests/fixtures/keras/gen/activations.json: what real Keras's activation functions
compute, for Kiln's activation tests to reproduce.

Each case is an activation name as a layer config names it (Dense(activation="gelu")) and its
values on one fixed float32 vector spanning [-8, 8] (zero and both signs near it included), and
the gradient of their sum (Keras 3 on JAX: jax.grad; tf.keras: tf.GradientTape). Both flavours
run in their own worker process; a name a flavour lacks is recorded as missing.

Run once with the pinned Keras (scripts/keras_fixtures/requirements.txt), from the repo root:

    ~/.cache/kiln-keras-venv/bin/python scripts/keras_fixtures/make_activation_values.py
"""
import json
import pathlib
import subprocess
import sys

OUT = (pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "keras" / "gen" /
       "activations.json")
NAMES = ["elu", "selu", "gelu", "swish", "silu", "softplus", "softsign", "exponential", "relu6",
         "leaky_relu", "mish", "hard_swish", "hard_silu", "hard_sigmoid"]
X = [-8.0, -3.5, -3.0, -2.0, -1.25, -0.5, -0.1, -1e-3, 0.0, 1e-3, 0.1, 0.5, 1.25, 2.0, 3.0,
     3.5, 6.5, 8.0]

WORKER = r"""
import json, sys
import numpy as np
flavour = sys.argv[1]
names, xs = json.loads(sys.stdin.read())
x = np.asarray(xs, dtype="float32")
if flavour == "keras3":
    import os
    os.environ["KERAS_BACKEND"] = "jax"
    import jax, keras
    version = "keras-" + ".".join(keras.__version__.split(".")[:2])

    def value_and_grad(f):
        return np.asarray(f(x)), np.asarray(jax.grad(lambda v: jax.numpy.sum(f(v)))(jax.numpy.asarray(x)))
else:
    import tensorflow as tf, tf_keras as keras
    version = "tfkeras-" + ".".join(keras.__version__.split(".")[:2])

    def value_and_grad(f):
        v = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(v)
            y = f(v)
            s = tf.reduce_sum(y)
        return y.numpy(), tape.gradient(s, v).numpy()
out = []
for n in names:
    try:
        f = keras.activations.get(n)
    except Exception as e:
        out.append({"keras": version, "name": n, "missing": repr(e)})
        continue
    y, g = value_and_grad(f)
    out.append({"keras": version, "name": n, "y": y.tolist(), "grad": g.tolist()})
json.dump(out, sys.stdout)
"""


def main():
    cases = []
    for flavour in ("keras3", "tfkeras"):
        done = subprocess.run([sys.executable, "-c", WORKER, flavour], text=True,
                              input=json.dumps([NAMES, X]), capture_output=True)
        if done.returncode != 0:
            sys.exit(done.stderr)
        cases += json.loads(done.stdout)
    doc = {"_comment": "Written by scripts/keras_fixtures/make_activation_values.py; do not edit.",
           "x": X, "cases": cases}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT}: {len(cases)} cases, missing:",
          [(c["keras"], c["name"]) for c in cases if "missing" in c])


if __name__ == "__main__":
    main()
