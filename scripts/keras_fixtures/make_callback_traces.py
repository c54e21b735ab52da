#!/usr/bin/env python3
"""Writes tests/fixtures/keras/gen/callbacks.json: what real tf.keras's callbacks do on scripted
loss curves, for Kiln's callback tests to reproduce.

Each case drives one tf.keras callback by hand (set_model, on_train_begin, on_epoch_begin/end per
epoch with the scripted logs, stopping when model.stop_training is set, on_train_end), on a small
compiled model whose weights are set to the epoch number at the start of each epoch (so restored
weights tell which epoch they are from). Recorded: what it printed (the work directory written as {dir}), the epoch it stopped at, the
learning rate after each epoch, the weights at the end, the files it wrote (names; CSV text).

    ~/.cache/kiln-keras-fixtures-venv/bin/python scripts/keras_fixtures/make_callback_traces.py
"""
import contextlib
import io
import json
import os
import pathlib
import shutil
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tf_keras as keras  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "keras" / "gen" / "callbacks.json"

CASES = [
    # kind, args, logs per epoch (the monitored curve and others), batch losses (optional)
    ("EarlyStopping", {"patience": 2, "verbose": 1}, {"val_loss": [0.5, 0.4, 0.45, 0.41, 0.39, 0.5, 0.6, 0.7]}),
    ("EarlyStopping", {"patience": 1, "verbose": 1, "restore_best_weights": True},
     {"val_loss": [0.5, 0.4, 0.45, 0.41, 0.39, 0.5]}),
    ("EarlyStopping", {"patience": 3, "verbose": 1, "restore_best_weights": True},
     {"val_loss": [0.5, 0.4, 0.39, 0.41]}),
    ("EarlyStopping", {"monitor": "val_accuracy", "patience": 1, "verbose": 1, "min_delta": 0.05},
     {"val_accuracy": [0.5, 0.6, 0.63, 0.7, 0.72]}),
    ("EarlyStopping", {"monitor": "loss", "patience": 1, "baseline": 0.3, "verbose": 1},
     {"loss": [0.5, 0.4, 0.35, 0.32, 0.31]}),
    ("EarlyStopping", {"patience": 0, "start_from_epoch": 2, "verbose": 1},
     {"val_loss": [0.5, 0.6, 0.7, 0.65, 0.8]}),
    ("EarlyStopping", {"monitor": "val_auc", "mode": "auto", "patience": 1, "verbose": 1},
     {"val_auc": [0.5, 0.6, 0.55, 0.54]}),
    ("ModelCheckpoint", {"filepath": "m-{epoch:02d}-{val_loss:.2f}.h5", "save_best_only": True, "verbose": 1},
     {"val_loss": [0.5, 0.4, 0.45, 0.3]}),
    ("ModelCheckpoint", {"filepath": "w.h5", "save_weights_only": True, "verbose": 1}, {"val_loss": [0.5, 0.4]}),
    ("ModelCheckpoint", {"filepath": "best.h5", "monitor": "val_accuracy", "save_best_only": True, "verbose": 1,
                         "initial_value_threshold": 0.55},
     {"val_accuracy": [0.5, 0.6, 0.6, 0.7]}),
    ("ReduceLROnPlateau", {"patience": 1, "factor": 0.5, "verbose": 1, "min_lr": 0.02},
     {"val_loss": [0.5, 0.6, 0.7, 0.8, 0.9, 1.0]}),
    ("ReduceLROnPlateau", {"patience": 2, "factor": 0.1, "cooldown": 2, "verbose": 1, "min_delta": 0.01},
     {"val_loss": [0.5, 0.495, 0.49, 0.485, 0.48, 0.3, 0.29, 0.28, 0.28, 0.28, 0.28]}),
    ("LearningRateScheduler", {"schedule": "halve_after_1", "verbose": 1}, {"val_loss": [0.5, 0.4, 0.3]}),
    ("CSVLogger", {"filename": "log.csv"}, {"loss": [1.5, 0.25, 1e-5, 0.1], "val_loss": [0.5, 0.6, 0.7, 1e20]}),
]


def schedule(name):
    if name == "halve_after_1":
        return lambda epoch, lr: lr if epoch < 1 else lr * 0.5
    raise ValueError(name)


def run(kind, args, curves, work):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    kwargs = dict(args)
    for k in ("filepath", "filename"):
        if k in kwargs:
            kwargs[k] = str(work / kwargs[k])
    if "schedule" in kwargs:
        kwargs["schedule"] = schedule(kwargs["schedule"])
    cb = getattr(keras.callbacks, kind)(**kwargs)
    cb.set_model(model)
    model.stop_training = False
    epochs = len(next(iter(curves.values())))
    out = io.StringIO()
    stopped, lrs = None, []
    with contextlib.redirect_stdout(out):
        cb.on_train_begin({})
        logs = {}
        for e in range(epochs):
            model.set_weights([np.full(w.shape, float(e), np.float32) for w in model.get_weights()])
            cb.on_epoch_begin(e, {})
            logs = {k: v[e] for k, v in curves.items()}
            cb.on_epoch_end(e, logs)
            lrs.append(float(keras.backend.get_value(model.optimizer.learning_rate)))
            if model.stop_training:
                stopped = e
                break
        cb.on_train_end(logs)
    files = sorted(p.name for p in work.iterdir())
    csv = (work / "log.csv").read_bytes().decode() if (work / "log.csv").exists() else None
    return {
        "kind": kind, "args": args, "logs": curves, "printed": out.getvalue().replace(str(work), "{dir}"), "stopped_epoch": stopped,
        "lr_after_epoch": lrs, "final_weight": float(model.get_weights()[0].flat[0]), "files": files,
        "csv": csv,
    }


def main():
    traces = []
    for kind, args, curves in CASES:
        work = pathlib.Path(tempfile.mkdtemp())
        try:
            traces.append(run(kind, args, curves, work))
        finally:
            shutil.rmtree(work)
    doc = {"generator": "scripts/keras_fixtures/make_callback_traces.py", "tf_keras": keras.__version__,
           "cases": traces}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(len(traces), "cases in", OUT)


if __name__ == "__main__":
    main()
