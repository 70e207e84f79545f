#!/usr/bin/env python3
# An independent numpy reference for `convoy features` on Samples/Models/tiny-features: reads the
# frames (raw planar RGB from ffmpeg), the weights (safetensors, parsed here), computes
# conv3x3 → relu → maxpool2 → conv3x3 → relu → conv3x3 → relu with plain numpy, and compares with
# Convoy's .npy. Usage: check_features.py FRAMES.gbrp WIDTH HEIGHT WEIGHTS.safetensors FEATURES.npy [EVERY]
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    data = open(path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        assert info["dtype"] == "F32"
        tensors[name] = np.frombuffer(data[base + begin:base + end], dtype="<f4").reshape(info["shape"])
    return tensors


def conv3x3(x, weight, bias):
    # x [C, H, W], weight [O, C, 3, 3], zero padding 1, stride 1: correlation as PyTorch.
    c, h, w = x.shape
    padded = np.zeros((c, h + 2, w + 2), dtype=np.float64)
    padded[:, 1:-1, 1:-1] = x
    out = np.zeros((weight.shape[0], h, w), dtype=np.float64)
    for i in range(3):
        for j in range(3):
            patch = padded[:, i:i + h, j:j + w]
            out += np.tensordot(weight[:, :, i, j].astype(np.float64), patch, axes=([1], [0]))
    return out + bias.astype(np.float64)[:, None, None]


def maxpool2(x):
    c, h, w = x.shape
    return x[:, :h // 2 * 2, :w // 2 * 2].reshape(c, h // 2, 2, w // 2, 2).max(axis=(2, 4))


def main():
    frames_path, width, height, weights_path, features_path = sys.argv[1:6]
    every = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    width, height = int(width), int(height)
    raw = np.fromfile(frames_path, dtype=np.uint8).reshape(-1, 3, height, width)
    g, b, r = raw[:, 0], raw[:, 1], raw[:, 2]                       # gbrp stores G, B, R
    rgb = np.stack([r, g, b], axis=1)[::every].astype(np.float64) / 255.0
    w = read_safetensors(weights_path)
    got = np.load(features_path)
    assert got.shape[0] == rgb.shape[0], f"frames: {got.shape[0]} != {rgb.shape[0]}"
    worst = 0.0
    for n in range(rgb.shape[0]):
        x = np.maximum(conv3x3(rgb[n], w["conv1.weight"], w["conv1.bias"]), 0)
        x = maxpool2(x)
        x = np.maximum(conv3x3(x, w["conv2.weight"], w["conv2.bias"]), 0)
        x = np.maximum(conv3x3(x, w["conv3.weight"], w["conv3.bias"]), 0)
        assert got[n].shape == x.shape, f"shape {got[n].shape} != {x.shape}"
        scale = max(1.0, float(np.abs(x).max()))
        worst = max(worst, float(np.abs(got[n] - x).max()) / scale)
    print(f"frames={got.shape[0]} shape={list(got.shape)} worst_relative_error={worst:.3g}")
    sys.exit(0 if worst <= 1e-4 else 1)


main()
