"""Reads the logs write_tensorboard_logs wrote with TensorBoard's own EventAccumulator and checks
every value against what Kiln recorded (expected.json): epoch scalars (train/ and validation/,
equal to History as float32), batch scalars every 2nd batch at Keras's 1-based global step, the
learning rate, evaluation_*_vs_iterations, each epoch's weight histograms (TF2 buckets recomputed
here with numpy), and the Keras model JSON for the Graphs dashboard, which TensorBoard's own
keras_util must turn into a graph with the model's layers."""
import json
import os
import sys

import numpy as np
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.plugins.graph import keras_util
from tensorboard.util import tensor_util

log_dir = sys.argv[1]
expected = json.load(open(os.path.join(log_dir, "expected.json")))
history = expected["history"]
epochs = len(history["loss"])


def load(run):
    acc = ea.EventAccumulator(os.path.join(log_dir, run), size_guidance={ea.TENSORS: 0})
    acc.Reload()
    return acc


def series(acc, tag):
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def check_scalars(acc, tag, steps, values):
    got = series(acc, tag)
    assert [s for s, _ in got] == steps, (tag, [s for s, _ in got], steps)
    for (step, v), want in zip(got, values):
        assert v.shape == () and v.dtype == np.float32, (tag, v.shape, v.dtype)
        assert v == np.float32(want), (tag, step, float(v), want)


train, val = load("train"), load("validation")
train_tags = sorted(train.Tags()["tensors"])
for name in ("loss", "accuracy"):
    check_scalars(train, "epoch_" + name, list(range(epochs)), history[name])
    check_scalars(val, "epoch_" + name, list(range(epochs)), history["val_" + name])
check_scalars(train, "epoch_learning_rate", list(range(epochs)),
              [expected["learning_rate"]] * epochs)

batches = expected["batches"]
steps = [i + 1 for i in range(len(batches)) if (i + 1) % 2 == 0]
assert len(batches) == epochs * 5, len(batches)  # 40 training samples in batches of 8
for name in ("loss", "accuracy"):
    check_scalars(train, "batch_" + name, steps, [batches[s - 1][name] for s in steps])
for name in ("loss", "accuracy"):
    got = series(val, "evaluation_%s_vs_iterations" % name)
    assert [s for s, _ in got] == expected["iterations"], got
    assert [float(v) for _, v in got] == [float(np.float32(x)) for x in history["val_" + name]]


def buckets(values, count=30):
    v = np.asarray(values, dtype=np.float64)
    lo, hi = v.min(), v.max()
    width = (hi - lo) / count
    idx = np.minimum(np.floor((v - lo) / width).astype(int), count - 1)
    counts = np.bincount(idx, minlength=count).astype(np.float64)
    edges = lo + np.arange(count + 1) * width
    edges[-1] = hi
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


hist_tags = sorted(expected["weights"][0])
assert hist_tags == ["dense/bias/histogram", "dense/kernel/histogram",
                     "dense_1/bias/histogram", "dense_1/kernel/histogram"], hist_tags
for tag in hist_tags:
    got = series(train, tag)
    assert [s for s, _ in got] == list(range(epochs)), (tag, got)
    for epoch, h in got:
        weights = expected["weights"][epoch][tag]
        assert h.shape == (30, 3) and h.dtype == np.float64, (tag, h.shape)
        assert h[:, 2].sum() == len(weights), tag
        assert h[0, 0] == min(weights) and h[-1, 1] == max(weights), tag
        if max(weights) > min(weights):
            np.testing.assert_allclose(h, buckets(weights), rtol=0, atol=1e-12, err_msg=tag)
        else:  # the first epoch's zero biases: one value, all in the last bucket
            assert h[-1, 2] == len(weights) and (h[:, :2] == weights[0]).all(), tag
    # weights change between epochs, so the histograms must too
    assert not np.array_equal(got[0][1], got[-1][1]), tag

# The model graph, as the Graphs dashboard would draw it.
keras = train.Tensors("keras")
assert len(keras) == 1 and keras[0].step == 0
meta = train.SummaryMetadata("keras")
assert meta.plugin_data.plugin_name == "graph_keras_model", meta
config = json.loads(keras[0].tensor_proto.string_val[0])
graph = keras_util.keras_model_to_graph_def(config)
names = [n.name for n in graph.node]
assert any(n.endswith("dense") for n in names) and any(n.endswith("dense_1") for n in names), names

expected_tags = sorted(hist_tags + ["keras", "epoch_loss", "epoch_accuracy", "epoch_learning_rate",
                                    "batch_loss", "batch_accuracy"])
assert train_tags == expected_tags, (train_tags, expected_tags)
print("TensorBoard's EventAccumulator read every value Kiln wrote: %d epochs, %d batch points, "
      "%d histograms, the model graph (%s)" % (epochs, len(steps), len(hist_tags), ", ".join(names)))
