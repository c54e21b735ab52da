"""Shared by the peer benchmarks: the Fashion-MNIST training and test sets as numpy arrays."""
import gzip

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"


def load(split="train"):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(f"{DATA}/{prefix}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255
    with gzip.open(f"{DATA}/{prefix}-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return x, y
