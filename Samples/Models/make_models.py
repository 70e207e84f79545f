#!/usr/bin/env python3
# Makes the example models in Samples/Models (numpy only). The .safetensors files it writes are
# generated: do not edit them; regenerate with `python3 Samples/Models/make_models.py`.
import json
import struct
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def save_safetensors(path, tensors, metadata):
    """Writes float32 tensors in the safetensors layout: u64 header length, JSON header, data."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = metadata
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def kaiming_uniform(rng, out_channels, in_channels, kh, kw):
    """PyTorch's default Conv2d initialisation: U(-b, b) with b = 1/sqrt(fan_in) (a = sqrt(5))."""
    bound = 1.0 / np.sqrt(in_channels * kh * kw)
    weight = rng.uniform(-bound, bound, size=(out_channels, in_channels, kh, kw)).astype(np.float32)
    bias = rng.uniform(-bound, bound, size=(out_channels,)).astype(np.float32)
    return weight, bias


def tiny_features():
    # The 3-layer feature extractor of the benchmarks: 3→16→32→32, 3×3, ReLU, one 2×2 max pool.
    rng = np.random.default_rng(20261125)
    tensors = {}
    for name, (o, i) in {"conv1": (16, 3), "conv2": (32, 16), "conv3": (32, 32)}.items():
        tensors[f"{name}.weight"], tensors[f"{name}.bias"] = kaiming_uniform(rng, o, i, 3, 3)
    save_safetensors(HERE / "tiny-features.safetensors", tensors,
                     {"source": "random Kaiming-uniform weights, seed 20261125, Samples/Models/make_models.py"})


def soften():
    # A learned-filter example whose weights are known: a depthwise 5×5 binomial blur on R, G, B
    # (groups = 3), then a 1×1 conv that keeps each channel (identity), as a 2-layer network.
    row = np.array([1, 4, 6, 4, 1], dtype=np.float32)
    blur = np.outer(row, row) / 256.0
    tensors = {
        "blur.weight": np.stack([blur[None]] * 3).astype(np.float32),    # [3, 1, 5, 5]
        "mix.weight": np.eye(3, dtype=np.float32).reshape(3, 3, 1, 1),   # [3, 3, 1, 1]
        "mix.bias": np.zeros(3, dtype=np.float32),
    }
    save_safetensors(HERE / "soften.safetensors", tensors,
                     {"source": "hand-set weights (binomial 5x5 blur, identity mix), Samples/Models/make_models.py"})


if __name__ == "__main__":
    tiny_features()
    soften()
