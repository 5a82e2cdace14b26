"""Load a NeuroDx model file in Python PyTorch, and save weights NeuroDx can import.

    import neurodx_model
    model, meta = neurodx_model.load("runs/run-.../best.pt")   # a torch.nn.Module in eval mode
    probabilities = torch.softmax(model(x), 1)                  # x: N x C x H x W in [0, 1]
    neurodx_model.save_for_neurodx(model, "weights.ts")        # TorchScript; neurodx-cli train --weights weights.ts

The CNN below is the same network as NeuroDx's CnnClassifier (vanilla, tuned, cnn): the same layer
names, so state dicts move both ways unchanged. Research use only, not a medical device.
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F


class NeuroDxCnn(nn.Module):
    def __init__(self, channels, size, filters1, filters2, units, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, filters1, 3, padding=1)
        self.conv2 = nn.Conv2d(filters1, filters2, 3, padding=1)
        self.dense1 = nn.Linear(filters2 * (size // 4) ** 2, units)
        self.dense2 = nn.Linear(units, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.dense2(F.relu(self.dense1(x.flatten(1))))


FIXED_ARCHITECTURES = {"vanilla": (32, 64, 64), "tuned": (16, 16, 320)}


def load(path):
    bundle = torch.load(path, map_location="cpu")
    if bundle.get("format") != "neurodx-model":
        raise ValueError(f"{path}: not a NeuroDx model file")
    meta = json.loads(bundle["metadata"])
    arch = meta["architecture"]
    if arch["name"] not in ("vanilla", "tuned", "cnn"):
        raise ValueError(f"{path}: this helper builds the CNNs; {arch['name']} needs its own module")
    sizes = FIXED_ARCHITECTURES.get(arch["name"], (arch["filters1"], arch["filters2"], arch["hidden_units"]))
    model = NeuroDxCnn(meta["input"]["channels"], meta["input"]["size"], *sizes, len(meta["class_names"]))
    model.load_state_dict(bundle["state_dict"])
    model.eval()
    return model, meta


def save_for_neurodx(model, path):
    torch.jit.save(torch.jit.script(model), path)
