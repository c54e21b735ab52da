"""The tutorial MLP and issue 15's CNN in Keras 3 (KERAS_BACKEND=jax: XLA compiles the step), for
bench/compare_peers.sh. Usage and output as bench/peers/torch_models.py:
  KERAS_BACKEND=jax python bench/peers/keras_models.py MODEL BATCH IMAGES THREADS
The train and predict functions are compiled before the timing (a warm-up fit over one full and
one last, short batch, and a warm-up predict); batch-1 latency is the compiled predict_on_batch."""
import json
import os
import statistics
import sys
import time

import keras
import numpy as np

from fashion_data import load


def build(model):
    L = keras.layers
    if model == "mlp":
        net = keras.Sequential([keras.Input((784,)), L.Dense(128, activation="relu"),
                                L.Dense(256, activation="relu"), L.Dense(512, activation="relu"),
                                L.Dense(10, activation="softmax")])
        opt = keras.optimizers.SGD(learning_rate=0.1)
    else:
        net = keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"),
                                L.MaxPooling2D(), L.Conv2D(64, 3, activation="relu"),
                                L.MaxPooling2D(), L.Flatten(), L.Dense(128, activation="relu"),
                                L.Dense(10, activation="softmax")])
        opt = keras.optimizers.Adam(learning_rate=1e-3)
    net.compile(optimizer=opt, loss="categorical_crossentropy", metrics=["accuracy"])
    return net


def main():
    model, batch, images = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    keras.utils.set_random_seed(1)
    shape = (-1, 784) if model == "mlp" else (-1, 28, 28, 1)
    x, y = load("train")
    x, y = x[:images].reshape(shape), np.eye(10, dtype=np.float32)[y[:images]]
    net = build(model)
    warm = batch + len(x) % batch
    net.fit(x[:warm], y[:warm], batch_size=batch, epochs=1, verbose=0)
    start = time.perf_counter()
    h = net.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    print(json.dumps({"framework": "keras-jax", "model": model, "batch": batch, "images": len(x),
                      "seconds": round(seconds, 4), "loss": round(h.history["loss"][0], 4)}),
          flush=True)
    xtest = load("test")[0].reshape(shape)
    net.predict(xtest[:64], batch_size=32, verbose=0)
    start = time.perf_counter()
    net.predict(xtest, batch_size=32, verbose=0)
    infer = time.perf_counter() - start
    one = xtest[:1]
    net.predict_on_batch(one)
    lat = []
    for _ in range(500):
        t = time.perf_counter()
        net.predict_on_batch(one)
        lat.append(time.perf_counter() - t)
    print(json.dumps({"framework": "keras-jax", "model": model, "inference_10000_s": round(infer, 4),
                      "predict1_median_us": round(statistics.median(lat) * 1e6, 1)}), flush=True)


if __name__ == "__main__":
    main()
