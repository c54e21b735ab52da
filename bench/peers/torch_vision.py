"""MobileNetV2 and ResNet50 inference in PyTorch, with the layers torchvision's models have
(written here: Debian's python3-torch ships no torchvision), for side-by-side timing with
bench/vision_inference. torch.inference_mode, NCHW float32, eval() (BatchNorm with running
statistics); torch.set_num_threads(N) from TORCH_THREADS (default: the machine's cores).
Usage: python3 bench/peers/torch_vision.py MODELS BATCHES REPEATS   (one JSON line each)"""
import json
import os
import statistics
import sys
import time

import torch
from torch import nn


def conv_bn(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6(inplace=True))
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [conv_bn(cin, hidden, 1)] if expand != 1 else []
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden), conv_bn(hidden, cout, 1, act=False)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def mobilenet_v2(classes=1000):
    spec = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
            (6, 320, 1, 1)]
    layers, cin = [conv_bn(3, 32, 3, 2)], 32
    for t, c, n, s in spec:
        for i in range(n):
            layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
            cin = c
    layers += [conv_bn(cin, 1280, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1280, classes)]
    return nn.Sequential(*layers)


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        cout = width * 4
        self.body = nn.Sequential(
            nn.Conv2d(cin, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.shortcut = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                         if stride != 1 or cin != cout else nn.Identity())
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.body(x) + self.shortcut(x))


def resnet50(classes=1000):
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
              nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for i in range(blocks):
            layers.append(Bottleneck(cin, width, stride if i == 0 else 1))
            cin = width * 4
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, classes)]
    return nn.Sequential(*layers)


def main():
    models, batches, repeats = sys.argv[1].split(","), [int(b) for b in sys.argv[2].split(",")], int(sys.argv[3])
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count())))
    torch.manual_seed(1)
    for name in models:
        model = {"MobileNetV2": mobilenet_v2, "ResNet50": resnet50}[name]().eval()
        for batch in batches:
            x = torch.rand(batch, 3, 224, 224) * 2 - 1
            with torch.inference_mode():
                model(x)
                times = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    model(x)
                    times.append(time.perf_counter() - start)
            s = statistics.median(times)
            print(json.dumps({"framework": "torch-" + torch.__version__.split("+")[0], "model": name, "batch": batch,
                              "seconds": s, "images_per_s": batch / s,
                              "params": sum(p.numel() for p in model.parameters())}), flush=True)


if __name__ == "__main__":
    main()
