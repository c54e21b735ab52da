"""The tutorial MLP and issue 15's CNN in PyTorch 2.x, for bench/compare_peers.sh.
Usage: python bench/peers/torch_models.py MODEL BATCH IMAGES THREADS
MODEL is mlp (784-128-256-512-10, SGD lr 0.1) or cnn (Conv 32 3x3, pool, Conv 64 3x3, pool,
Dense 128, Dense 10; Adam 1e-3). Prints JSON lines as bench/mlp_epoch does: the seconds of one
training epoch over the first IMAGES images at BATCH (after a warm-up step), then predict on the
10,000 test images at batch 32 and the median batch-1 latency (inference_mode)."""
import json
import statistics
import sys
import time

import torch

from fashion_data import load


def build(model):
    nn = torch.nn
    if model == "mlp":
        net = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 256), nn.ReLU(),
                            nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 10))
        return net, torch.optim.SGD(net.parameters(), lr=0.1)
    net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3),
                        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 128),
                        nn.ReLU(), nn.Linear(128, 10))
    return net, torch.optim.Adam(net.parameters(), lr=1e-3)


def main():
    model, batch, images, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    shape = (-1, 784) if model == "mlp" else (-1, 1, 28, 28)
    x, y = load("train")
    xt, yt = torch.from_numpy(x[:images]).reshape(shape), torch.from_numpy(y[:images])
    net, opt = build(model)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(xb, yb):
        opt.zero_grad()
        loss = loss_fn(net(xb), yb)
        loss.backward()
        opt.step()
        return loss

    step(xt[:batch], yt[:batch])
    perm = torch.randperm(len(xt))
    start = time.perf_counter()
    total = 0.0
    for i in range(0, len(xt), batch):
        idx = perm[i:i + batch]
        total += step(xt[idx], yt[idx]).item() * len(idx)
    seconds = time.perf_counter() - start
    print(json.dumps({"framework": "pytorch", "model": model, "batch": batch, "images": len(xt),
                      "seconds": round(seconds, 4), "loss": round(total / len(xt), 4)}), flush=True)
    xtest = torch.from_numpy(load("test")[0]).reshape(shape)
    with torch.inference_mode():
        torch.softmax(net(xtest[:32]), 1)
        start = time.perf_counter()
        for i in range(0, len(xtest), 32):
            torch.softmax(net(xtest[i:i + 32]), 1)
        infer = time.perf_counter() - start
        one = xtest[:1]
        lat = []
        for _ in range(500):
            t = time.perf_counter()
            torch.softmax(net(one), 1)
            lat.append(time.perf_counter() - t)
    print(json.dumps({"framework": "pytorch", "model": model, "inference_10000_s": round(infer, 4),
                      "predict1_median_us": round(statistics.median(lat) * 1e6, 1)}), flush=True)


if __name__ == "__main__":
    main()
