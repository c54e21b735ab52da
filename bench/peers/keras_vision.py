"""keras.applications MobileNetV2 and ResNet50 inference in Keras 3 (the backend from
KERAS_BACKEND: jax or tensorflow), for side-by-side timing with bench/vision_inference.
Usage: KERAS_BACKEND=jax python bench/peers/keras_vision.py MODELS BATCHES REPEATS
Prints one JSON line per measurement, as bench/vision_inference does: after a warm-up call
(which compiles), the median of REPEATS predict_on_batch calls on random 224x224x3 images."""
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402


def main():
    models, batches, repeats = sys.argv[1].split(","), [int(b) for b in sys.argv[2].split(",")], int(sys.argv[3])
    for name in models:
        keras.utils.set_random_seed(1)
        model = getattr(keras.applications, name)(weights=None)
        for batch in batches:
            x = np.random.default_rng(2).uniform(-1, 1, (batch, 224, 224, 3)).astype("float32")
            model.predict_on_batch(x)
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                model.predict_on_batch(x)
                times.append(time.perf_counter() - start)
            s = statistics.median(times)
            print(json.dumps({"framework": "keras3-" + keras.backend.backend(), "model": name, "batch": batch,
                              "seconds": s, "images_per_s": batch / s}), flush=True)


if __name__ == "__main__":
    main()
