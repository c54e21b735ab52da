"""LSTM(128) -> Dense(1) training (MSE, Adam 1e-3) in Keras 3 (the backend from KERAS_BACKEND,
jax here), for side-by-side timing with bench/lstm_train: one random batch (32, 100, 32) float32;
train_on_batch (its step is jit-compiled: model.compile's default jit_compile="auto" is XLA on
JAX; the first call compiles), WARMUP untimed calls, then STEPS timed calls (steps/s from their
total time); then predict_on_batch on the same batch: WARMUP calls, the median of STEPS.
One thread: the driver sets XLA_FLAGS (see bench/compare_lstm.sh).
Usage: KERAS_BACKEND=jax python bench/peers/keras_lstm.py [STEPS] [WARMUP]   (one JSON line each)"""
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    keras.utils.set_random_seed(1)
    batch = 32
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, (batch, 100, 32)).astype("float32")
    y = rng.uniform(-1, 1, (batch, 1)).astype("float32")
    inputs = keras.Input((100, 32))
    outputs = keras.layers.Dense(1)(keras.layers.LSTM(128)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    for _ in range(warmup):
        model.train_on_batch(x, y)
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(steps):
        loss = model.train_on_batch(x, y)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start  # over wall: how many cores the timed steps kept busy
    s = wall / steps
    name = "keras3-" + keras.backend.backend()
    print(json.dumps({"framework": name, "mode": "train", "batch": batch, "seconds_per_step": s,
                      "steps_per_s": 1 / s, "cpu_per_wall": cpu / wall, "loss": float(loss),
                      "jit_compile": model.jit_compile}), flush=True)
    for _ in range(warmup):
        model.predict_on_batch(x)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.predict_on_batch(x)
        times.append(time.perf_counter() - start)
    s = statistics.median(times)
    print(json.dumps({"framework": name, "mode": "predict", "batch": batch, "seconds_per_step": s,
                      "steps_per_s": 1 / s}), flush=True)


if __name__ == "__main__":
    main()
