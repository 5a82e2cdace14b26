"""The same training step NeuroDx benchmarks, in Python PyTorch (Debian's python3-torch).

Usage: /usr/bin/python3 bench/pytorch_bench.py MODEL THREADS   (MODEL: vanilla | tuned)
Prints training slices/s (median of 3 epochs of 192 slices, batch 32, 3x256x256, Adam, random
flips and +-36 degree rotation with reflection padding, as the seed's Keras layers) and inference
figures. Run it with and without MALLOC_* tuning to see both "as users run it" and "malloc tuned".
"""
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SIZES = {"vanilla": (32, 64, 64), "tuned": (16, 16, 320)}


class Cnn(nn.Module):
    def __init__(self, filters1, filters2, units):
        super().__init__()
        self.conv1 = nn.Conv2d(3, filters1, 3, padding=1)
        self.conv2 = nn.Conv2d(filters1, filters2, 3, padding=1)
        self.dense1 = nn.Linear(filters2 * 64 * 64, units)
        self.dense2 = nn.Linear(units, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.dense2(F.relu(self.dense1(x.flatten(1))))


def augment(x):
    n = x.shape[0]
    flip_h = torch.rand(n) < 0.5
    flip_v = torch.rand(n) < 0.5
    x = torch.where(flip_h[:, None, None, None], x.flip(3), x)
    x = torch.where(flip_v[:, None, None, None], x.flip(2), x)
    angle = (torch.rand(n) * 2 - 1) * math.radians(36)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = torch.cos(angle)
    theta[:, 0, 1] = -torch.sin(angle)
    theta[:, 1, 0] = torch.sin(angle)
    theta[:, 1, 1] = torch.cos(angle)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    return F.grid_sample(x, grid, padding_mode="reflection", align_corners=False)


def main():
    name, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = Cnn(*SIZES[name])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    data = torch.randint(0, 256, (192, 1, 256, 256), dtype=torch.uint8)
    labels = torch.randint(0, 3, (192,))
    rates = []
    for epoch in range(4):
        start = time.perf_counter()
        order = torch.randperm(192)
        for b in range(0, 192, 32):
            idx = order[b:b + 32]
            x = augment(data[idx].float().div(255).expand(-1, 3, -1, -1))
            optimizer.zero_grad()
            F.cross_entropy(model(x), labels[idx]).backward()
            optimizer.step()
        if epoch > 0:
            rates.append(192 / (time.perf_counter() - start))
    model.eval()
    with torch.inference_mode():
        x32 = torch.rand(32, 3, 256, 256)
        x1 = torch.rand(1, 3, 256, 256)
        for _ in range(2):
            model(x32)
            model(x1)
        t32 = []
        for _ in range(5):
            s = time.perf_counter()
            model(x32)
            t32.append(time.perf_counter() - s)
        t1 = []
        for _ in range(21):
            s = time.perf_counter()
            model(x1)
            t1.append(time.perf_counter() - s)
    if len(sys.argv) > 3 and sys.argv[3] == "tsv":
        print(f"{name}\t{statistics.median(rates):.2f}\t{32 / statistics.median(t32):.2f}\t{statistics.median(t1) * 1000:.3f}")
    else:
        print(f"{name} train {statistics.median(rates):.1f} slices/s  infer32 {32 / statistics.median(t32):.1f} slices/s  "
              f"infer1 {statistics.median(t1) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
