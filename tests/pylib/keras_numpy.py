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


def conv2d(h, kernel, strides, padding):
    """NHWC cross-correlation, Keras's padding rules."""
    n, H, W, C = h.shape
    kh, kw, _, F = kernel.shape
    sh, sw = strides
    if padding == "same":
        oh, ow = -(-H // sh), -(-W // sw)
        ph, pw = max((oh - 1) * sh + kh - H, 0), max((ow - 1) * sw + kw - W, 0)
        h = np.pad(h, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (H - kh) // sh + 1, (W - kw) // sw + 1
    out = np.zeros((n, oh, ow, F), np.float64)
    for y in range(kh):
        for x in range(kw):
            patch = h[:, y:y + (oh - 1) * sh + 1:sh, x:x + (ow - 1) * sw + 1:sw, :]
            out += patch.astype(np.float64) @ kernel[y, x].astype(np.float64)
    return out.astype(np.float32)


def max_pool(h, pool, strides, padding):
    n, H, W, C = h.shape
    (ph, pw), (sh, sw) = pool, strides
    if padding == "same":
        oh, ow = -(-H // sh), -(-W // sw)
        th, tw = max((oh - 1) * sh + ph - H, 0), max((ow - 1) * sw + pw - W, 0)
        h = np.pad(h, ((0, 0), (th // 2, th - th // 2), (tw // 2, tw - tw // 2), (0, 0)), constant_values=-np.inf)
    else:
        oh, ow = (H - ph) // sh + 1, (W - pw) // sw + 1
    out = np.full((n, oh, ow, C), -np.inf, np.float32)
    for y in range(ph):
        for x in range(pw):
            out = np.maximum(out, h[:, y:y + (oh - 1) * sh + 1:sh, x:x + (ow - 1) * sw + 1:sw, :])
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
        elif cls == "Conv2D":
            w = weights[c["name"]]
            cf = c.get("data_format") == "channels_first"
            if cf:
                h = h.transpose(0, 2, 3, 1)
            h = conv2d(h, w[0], c.get("strides", [1, 1]), c.get("padding", "valid"))
            if len(w) > 1:
                h = h + w[1]
            h = ACTIVATIONS[c.get("activation", "linear")](h)
            if cf:
                h = h.transpose(0, 3, 1, 2)
        elif cls == "MaxPooling2D":
            cf = c.get("data_format") == "channels_first"
            if cf:
                h = h.transpose(0, 2, 3, 1)
            h = max_pool(h, c.get("pool_size", [2, 2]), c.get("strides") or c.get("pool_size", [2, 2]),
                         c.get("padding", "valid"))
            if cf:
                h = h.transpose(0, 3, 1, 2)
        elif cls == "BatchNormalization":
            w = list(weights[c["name"]])
            gamma = w.pop(0) if c.get("scale", True) else 1.0
            beta = w.pop(0) if c.get("center", True) else 0.0
            mean, var = w
            h = (h - mean) / np.sqrt(var + c.get("epsilon", 1e-3)) * gamma + beta
        elif cls == "Softmax":
            h = softmax(h, c.get("axis", -1) if not isinstance(c.get("axis"), list) else c["axis"][0])
        else:
            raise ValueError("unsupported layer " + cls)
    return h
