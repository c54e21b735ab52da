"""The tutorial MLP in PyTorch (Debian's python3-torch), for side-by-side timing with Kiln.
Usage: OPENBLAS_NUM_THREADS=2 python3 bench/peers/torch_mlp.py BATCH EPOCHS
Prints JSON lines like bench/mlp_epoch: one per epoch, then inference and batch-1 latency."""
import json
import statistics
import sys
import time

import torch

from fashion_data import load


def main():
    batch, epochs = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(1)  # Debian's torch sends GEMMs to OpenBLAS, whose own pool has 2 threads
    torch.manual_seed(1)
    x, y = load("train")
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 256),
                                torch.nn.ReLU(), torch.nn.Linear(256, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.CrossEntropyLoss()
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
        print(json.dumps({"framework": "torch", "batch": batch, "epoch": e + 1,
                          "seconds": round(time.perf_counter() - start, 4), "loss": round(total / len(xt), 4)}), flush=True)
    xtest = torch.from_numpy(load("test")[0])
    with torch.no_grad():
        start = time.perf_counter()
        for i in range(0, len(xtest), 32):
            torch.softmax(model(xtest[i:i + 32]), 1)
        infer = time.perf_counter() - start
        one = xtest[:1]
        lat = []
        for _ in range(2000):
            t = time.perf_counter()
            torch.softmax(model(one), 1)
            lat.append(time.perf_counter() - t)
    print(json.dumps({"framework": "torch", "inference_10000_s": round(infer, 4),
                      "predict1_median_us": round(statistics.median(lat) * 1e6, 1)}), flush=True)


if __name__ == "__main__":
    main()
