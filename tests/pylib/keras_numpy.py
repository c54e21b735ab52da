"""A numpy re-implementation of Keras's forward pass for the layers Kiln supports, reading the
model config and weights straight from a legacy .h5 with h5py. Independent of Kiln's code."""
import json

import numpy as np


def strings(attr):
    return [a.decode("utf8") if hasattr(a, "decode") else str(a) for a in attr]


def softmax(v, axis=-1):
    e = np.exp(v - v.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


ACTIVATIONS = {
    "linear": lambda v: v,
    "relu": lambda v: np.maximum(v, 0),
    "tanh": np.tanh,
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "softmax": softmax,
}


def layer_weights(f):
    """{layer name: [arrays in weight_names order]} of a legacy full-model file."""
    group = f["model_weights"] if "model_weights" in f else f
    out = {}
    for name in strings(group.attrs["layer_names"]):
        names = group[name].attrs["weight_names"]
        out[name] = [np.asarray(group[name][w]) for w in strings(names)] if len(names) else []
    return out


def forward(f, x):
    config = json.loads(f.attrs["model_config"])
    cfg = config["config"]
    layers = cfg if isinstance(cfg, list) else cfg["layers"]
    weights = layer_weights(f)
    h = np.asarray(x, dtype=np.float32)
    for layer in layers:
        cls, c = layer["class_name"], layer["config"]
        if cls == "InputLayer" or cls == "Dropout":
            continue
        if cls == "Flatten":
            h = h.reshape(h.shape[0], -1)
        elif cls == "Dense":
            w = weights[c["name"]]
            h = h @ w[0] + (w[1] if len(w) > 1 else 0)
            h = ACTIVATIONS[c.get("activation", "linear")](h)
        elif cls == "Activation":
            h = ACTIVATIONS[c["activation"]](h)
        elif cls == "Softmax":
            h = softmax(h, c.get("axis", -1) if not isinstance(c.get("axis"), list) else c["axis"][0])
        else:
            raise ValueError("unsupported layer " + cls)
    return h
