"""The tutorial MLP trained one epoch in a peer framework, for side-by-side timing with Kiln.
Usage: python3 bench/peers.py {torch,numpy} BATCH EPOCHS   -> JSON lines like bench/mlp_epoch."""
import gzip
import json
import sys
import time

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"


def load():
    with gzip.open(f"{DATA}/train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255
    with gzip.open(f"{DATA}/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return x, y


def run_torch(x, y, batch, epochs):
    import torch
    torch.set_num_threads(1)  # Debian's torch sends GEMMs to OpenBLAS, whose own pool has 2 threads
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 256),
                                torch.nn.ReLU(), torch.nn.Linear(256, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for e in range(epochs):
        perm = torch.randperm(len(xt))
        start = time.perf_counter()
        total = 0.0
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        yield e + 1, time.perf_counter() - start, total / len(xt)


def run_numpy(x, y, batch, epochs):
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
        yield e + 1, time.perf_counter() - start, total / len(x)


if __name__ == "__main__":
    which, batch, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    x, y = load()
    runner = run_torch if which == "torch" else run_numpy
    for epoch, seconds, loss in runner(x, y, batch, epochs):
        print(json.dumps({"framework": which, "batch": batch, "epoch": epoch, "seconds": round(seconds, 4),
                          "loss": round(loss, 4)}), flush=True)
