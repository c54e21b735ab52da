"""Writes the five keras.applications models with real Keras, for check_keras_applications.

  write_keras_applications.py OUT

Both writers in one process: tf.keras 2.x (tf_keras) saves .h5, Keras 3 (JAX) saves .keras and
.h5. Each model is built with weights=None at a small input size, then its BatchNormalization
statistics and scales, Normalization statistics and biases are drawn (seeded) away from their
initial 0 and 1, so that a misplaced or ignored one shows; kernels keep Keras's initialization,
which keeps the activations of the deep models in range. Heads give logits
(classifier_activation=None), which compare more strictly than a saturated softmax.

OUT/applications.json lists, per file: the application and its arguments, count_params() and the
trainable count, the layer names in order, and the .npy input and Keras's prediction. One
training step of MobileNetV2 (alpha 0.35, 32x32, 10 classes; SGD(0.01), categorical
crossentropy, batch 16) from the same weights in both Kerases is stored per writer, for the
whole model and for the model cut after block_13_project_BN: the compiled model before the step,
the batch, every weight after it (OUT/<file>.after.<i>.npy), BatchNormalization's moving
statistics included, the loss before and after, and how far apart the two Kerases' updates are.

Why two: the whole model's update is not a stable quantity. With 16 examples, block_14's
expand BatchNormalization puts one ReLU6 input 4.6e-5 from the kink at 0, within the float32
differences that 14 blocks of different kernels accumulate; Kiln lands on the other side of the
kink than both Kerases and that one derivative changes the update of every layer before it by up
to 4% of the largest update (the two Kerases, by luck of the draw, agree to 3e-5). The update
bound of the whole model (0.05) catches a wrong gradient, not rounding; the cut model, whose
ReLU6 inputs keep clear of the kinks by more than the rounding, must agree within 1e-4, and so
must the loss after the step and the moving statistics in both.

Keras 3's files also get the prediction of Keras 3 on TensorFlow (`--tensorflow-predictions OUT`,
run in a subprocess with KERAS_BACKEND=tensorflow): JAX's XLA and TensorFlow give EfficientNetB0
logits 2.6e-4 apart (relative to their scale), more than the checker's 1e-4.
"""
import json
import os
import subprocess
import sys

if sys.argv[1:2] != ["--tensorflow-predictions"]:
    os.environ["KERAS_BACKEND"] = "jax"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tf_keras  # noqa: E402

OUT = sys.argv[-1]
APPS = [
    ("MobileNetV2", {"input_shape": [96, 96, 3], "alpha": 0.35, "classes": 10}),
    ("ResNet50", {"input_shape": [96, 96, 3], "classes": 10}),
    ("EfficientNetB0", {"input_shape": [96, 96, 3], "classes": 10}),
    ("VGG16", {"input_shape": [64, 64, 3], "include_top": False, "pooling": "max"}),
    ("DenseNet121", {"input_shape": [96, 96, 3], "classes": 10}),
]


def short(name):
    return name.split("/")[-1].split(":")[0]


def randomize(model, rng):
    for layer in model.layers:
        kind = layer.__class__.__name__
        values = []
        for w in layer.weights:
            v = np.asarray(w.numpy() if hasattr(w, "numpy") else w)
            n = short(w.name)
            if kind == "BatchNormalization" and n in ("gamma", "moving_variance"):
                v = rng.uniform(0.8, 1.2, v.shape)
            elif kind == "BatchNormalization" and n in ("beta", "moving_mean"):
                v = rng.uniform(-0.1, 0.1, v.shape)
            elif kind == "Normalization" and n == "mean":
                v = rng.uniform(0.3, 0.6, v.shape)
            elif kind == "Normalization" and n == "variance":
                v = rng.uniform(0.04, 0.1, v.shape)
            elif n == "bias":
                v = rng.uniform(-0.05, 0.05, v.shape)
            values.append(v.astype(np.asarray(w).dtype if n == "count" else "float32"))
        if values:
            layer.set_weights(values)


def trainable_count(model):
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def save_npy(name, a):
    np.save(os.path.join(OUT, name), a)
    return name


def update_spread(before, a, b, names):
    """max |update_a - update_b| over the trainable weights, relative to the largest update."""
    keep = [i for i, n in enumerate(names) if "moving_" not in n]
    scale = max(float(np.abs(b[i] - before[i]).max()) for i in keep)
    return max(float(np.abs((a[i] - before[i]) - (b[i] - before[i])).max()) for i in keep) / scale


def training_step():
    """One SGD step of MobileNetV2 (alpha 0.35, 32x32, 10 classes, batch 16) from the same weights
    in both Kerases, whole and cut after block_13_project_BN (with a pooling and softmax head);
    each writer saves its compiled model before the step and its weights after."""
    steps = []
    for cut, bound in [("block_13_project_BN", 1e-4), (None, 0.05)]:
        models = []
        for lib in (tf_keras, keras):
            lib.utils.set_random_seed(7)
            base = lib.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, classes=10, weights=None)
            if cut:
                head = lib.layers.Dense(10, activation="softmax", name="head")
                pooled = lib.layers.GlobalAveragePooling2D(name="head_pool")(base.get_layer(cut).output)
                base = lib.Model(base.input, head(pooled), name="mobilenetv2_cut")
            models.append((lib, base))
        t, k = models[0][1], models[1][1]
        rng = np.random.default_rng(30)
        randomize(t, rng)
        k.set_weights(t.get_weights())
        before = t.get_weights()
        names = [short(w.name) for w in t.weights]
        x = rng.uniform(-1, 1, (16, 32, 32, 3)).astype("float32")
        y = np.eye(10, dtype="float32")[rng.integers(0, 10, 16)]
        afters, entries = [], []
        for (lib, model), writer in zip(models, ("tfkeras", "keras3")):
            model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.01), loss="categorical_crossentropy")
            stem = f"{writer}_MobileNetV2{'-' + cut if cut else ''}-step"
            model.save(os.path.join(OUT, stem + ".h5"))
            loss = model.evaluate(x, y, batch_size=16, verbose=0)
            model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
            after = [np.asarray(w) for w in model.get_weights()]
            afters.append(after)
            entries.append({"file": stem + ".h5", "writer": writer, "x": save_npy(stem + ".x.npy", x),
                            "y": save_npy(stem + ".t.npy", y), "loss_before": float(loss),
                            "loss_after": float(model.evaluate(x, y, batch_size=16, verbose=0)),
                            "update_bound": bound,
                            "after": [save_npy(f"{stem}.after.{j}.npy", w) for j, w in enumerate(after)]})
            print(writer, stem, "loss before", loss, flush=True)
        spread = update_spread(before, afters[0], afters[1], names)
        print("tf.keras and Keras 3 updates differ by", spread, "of the largest update", flush=True)
        for e in entries:
            e["keras_update_spread"] = spread
        steps += entries
    return steps


def main():
    os.makedirs(OUT, exist_ok=True)
    entries = []
    for writer, lib, exts in [("tfkeras", tf_keras, [".h5"]), ("keras3", keras, [".keras", ".h5"])]:
        for i, (app, args) in enumerate(APPS):
            lib.utils.set_random_seed(10 + i)
            kw = dict(args, weights=None)
            if kw.get("include_top", True):
                kw["classifier_activation"] = None
            model = getattr(lib.applications, app)(**kw)
            rng = np.random.default_rng(20 + i)
            randomize(model, rng)
            lo, hi = (0, 255) if app.startswith("EfficientNet") else (-1, 1)
            x = rng.uniform(lo, hi, [2] + args["input_shape"]).astype("float32")
            y = np.asarray(model.predict(x, verbose=0))
            stem = f"{writer}_{app}"
            save_npy(stem + ".x.npy", x)
            save_npy(stem + ".y.npy", y)
            for ext in exts:
                model.save(os.path.join(OUT, stem + ext))
                entries.append({"file": stem + ext, "writer": writer, "keras_version": lib.__version__,
                                "application": app, "arguments": args,
                                "count_params": int(model.count_params()),
                                "trainable_params": trainable_count(model),
                                "layers": [l.name for l in model.layers],
                                "x": stem + ".x.npy", "y": stem + ".y.npy"})
            print(writer, app, model.count_params(), "params", y.shape, flush=True)

    steps = training_step()
    with open(os.path.join(OUT, "applications.json"), "w") as f:
        json.dump({"models": entries, "steps": steps}, f, indent=1)
    subprocess.run([sys.executable, __file__, "--tensorflow-predictions", OUT], check=True,
                   env=dict(os.environ, KERAS_BACKEND="tensorflow"))


def tensorflow_predictions():
    path = os.path.join(OUT, "applications.json")
    with open(path) as f:
        manifest = json.load(f)
    for e in manifest["models"]:
        if e["writer"] != "keras3":
            continue
        model = keras.models.load_model(os.path.join(OUT, e["file"]))
        y = np.asarray(model.predict(np.load(os.path.join(OUT, e["x"])), verbose=0))
        e["y_tensorflow"] = save_npy(e["file"] + ".y_tensorflow.npy", y)
        print("keras3 on tensorflow", e["file"], flush=True)
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    tensorflow_predictions() if sys.argv[1] == "--tensorflow-predictions" else main()
