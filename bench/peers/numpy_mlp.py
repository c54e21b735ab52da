"""The tutorial MLP in plain numpy (OpenBLAS), for side-by-side timing with Kiln.
Usage: OPENBLAS_NUM_THREADS=2 python3 bench/peers/numpy_mlp.py BATCH EPOCHS"""
import json
import sys
import time

import numpy as np

from fashion_data import load


def main():
    batch, epochs = int(sys.argv[1]), int(sys.argv[2])
    x, y = load("train")
    rng = np.random.RandomState(1)
    sizes = [784, 128, 256, 512, 10]
    ws = [rng.uniform(-1, 1, (a, b)).astype(np.float32) * np.sqrt(6 / (a + b)) for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b, np.float32) for b in sizes[1:]]
    onehot = np.eye(10, dtype=np.float32)[y]
    for e in range(epochs):
        perm = rng.permutation(len(x))
        start = time.perf_counter()
        total = 0.0
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            hs = [x[idx]]
            for k in range(4):
                z = hs[-1] @ ws[k] + bs[k]
                hs.append(np.maximum(z, 0) if k < 3 else z)
            z = hs[-1] - hs[-1].max(1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(1, keepdims=True)
            t = onehot[idx]
            total += float(-(t * np.log(p + 1e-12)).sum())
            g = (p - t) / len(idx)
            for k in range(3, -1, -1):
                gw, gb = hs[k].T @ g, g.sum(0)
                if k:
                    g = (g @ ws[k].T) * (hs[k] > 0)
                ws[k] -= 0.1 * gw
                bs[k] -= 0.1 * gb
        print(json.dumps({"framework": "numpy", "batch": batch, "epoch": e + 1,
                          "seconds": round(time.perf_counter() - start, 4), "loss": round(total / len(x), 4)}), flush=True)


if __name__ == "__main__":
    main()
