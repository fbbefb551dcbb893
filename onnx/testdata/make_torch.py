#!/usr/bin/python3
"""Writes the PyTorch-exported ONNX test models with Debian's PyTorch:

    cd onnx/testdata && /usr/bin/python3 make_torch.py

Each model NAME goes to torch/NAME.onnx (torch.onnx.export, a dynamic batch
dimension) and PyTorch's outputs for a fixed input to torch/NAME.json
({"x_shape", "x", "y_shape", "y"}), which onnx's Go tests compare with
tensorgo's predictions of the imported model.

mlp: Linear, ReLU, Linear, Softmax (opset 13).
cnn: Conv2d (padding 1), BatchNorm2d, ReLU, MaxPool2d, grouped strided
Conv2d, AvgPool2d with padding (count_include_pad), x.view(x.size(0), -1)
(Shape, Gather, Unsqueeze, Concat, Reshape), Linear (opset 15).
resblock: Conv-BN-ReLU-Conv-BN plus the skip, ReLU, AdaptiveAvgPool2d(1)
(GlobalAveragePool), torch.flatten, Linear (opset 17).

lstm: a batch-first LSTM and a Linear on its last output (opset 14).
"""
import json
import os

import torch
from torch import nn

torch.manual_seed(0)


def randomize_bn(model):
    """Gives batch norms statistics and scales other than their defaults."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.rand(c) - 0.5)
            m.running_var.copy_(torch.rand(c) + 0.5)
            m.weight.data.copy_(torch.rand(c) + 0.5)
            m.bias.data.copy_(torch.rand(c) - 0.5)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(8, 16), nn.Linear(16, 4)

    def forward(self, x):
        return torch.softmax(self.fc2(torch.relu(self.fc1(x))), dim=-1)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2)
        self.pool2 = nn.AvgPool2d(2, stride=2, padding=1, count_include_pad=True)
        self.fc = nn.Linear(8 * 2 * 2, 5)

    def forward(self, x):
        x = nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = self.pool2(torch.relu(self.conv2(x)))
        return self.fc(x.view(x.size(0), -1))


class ResBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 6, 3, padding=1)
        self.c1, self.b1 = nn.Conv2d(6, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6)
        self.c2, self.b2 = nn.Conv2d(6, 6, 3, padding=2, dilation=2, bias=False), nn.BatchNorm2d(6)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        s = torch.relu(self.stem(x))
        h = self.b2(self.c2(torch.relu(self.b1(self.c1(s)))))
        h = torch.relu(h + s)
        return self.fc(torch.flatten(self.pool(h), 1))


class LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, batch_first=True)
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.fc(y[:, -1])


def export(name, model, x, opset):
    model.eval()
    randomize_bn(model)
    with torch.no_grad():
        y = model(x)
    path = os.path.join("torch", name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
                      # Keep BatchNormalization nodes: eval-mode export
                      # would fold them into the convolutions.
                      training=torch.onnx.TrainingMode.PRESERVE)
    with open(os.path.join("torch", name + ".json"), "w") as f:
        json.dump({"x_shape": list(x.shape), "x": x.flatten().tolist(),
                   "y_shape": list(y.shape), "y": y.flatten().tolist()}, f)


os.makedirs("torch", exist_ok=True)
export("mlp", MLP(), torch.randn(3, 8), 13)
export("cnn", CNN(), torch.randn(2, 1, 12, 12), 15)
export("resblock", ResBlock(), torch.randn(2, 3, 7, 7), 17)
export("lstm", LSTMNet(), torch.randn(2, 6, 4), 14)
