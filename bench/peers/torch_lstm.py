"""LSTM(128) -> Linear(1) training (MSE, Adam 1e-3) in PyTorch, for side-by-side timing with
bench/lstm_train: nn.LSTM(batch_first=True) on one random batch (32, 100, 32) float32, the
standard zero_grad / forward / backward / step loop; WARMUP untimed steps, then STEPS timed steps
(steps/s from their total time, the loss read back each step as train_on_batch does); then
inference (inference_mode, eval) on the same batch: WARMUP calls, the median of STEPS.
torch.set_num_threads(N) from TORCH_THREADS (default 1).
Usage: python bench/peers/torch_lstm.py [STEPS] [WARMUP]   (one JSON line per measurement)"""
import json
import os
import statistics
import sys
import time

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, features=32, units=128):
        super().__init__()
        self.lstm = nn.LSTM(features, units, batch_first=True)
        self.dense = nn.Linear(units, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.dense(h[-1])


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "1")))
    torch.manual_seed(1)
    batch = 32
    x = torch.rand(batch, 100, 32) * 2 - 1
    y = torch.rand(batch, 1) * 2 - 1
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(steps):
        loss = step()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu_start  # over wall: how many cores the timed steps kept busy
    s = wall / steps
    name = "torch-" + torch.__version__.split("+")[0]
    print(json.dumps({"framework": name, "mode": "train", "batch": batch, "seconds_per_step": s,
                      "steps_per_s": 1 / s, "cpu_per_wall": cpu / wall, "loss": loss,
                      "threads": torch.get_num_threads()}), flush=True)
    model.eval()
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        times = []
        for _ in range(steps):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    s = statistics.median(times)
    print(json.dumps({"framework": name, "mode": "predict", "batch": batch, "seconds_per_step": s,
                      "steps_per_s": 1 / s, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
