#!/usr/bin/env python3
# Writes reference.safetensors: a small safetensors file made without Convoy (numpy + json, laid
# out as the `safetensors` Python package lays files out), so the reader is checked against an
# independent writer. SafeTensorsReadTests.testReadsReferenceFile lists the same values.
#
# Regenerate with: python3 Tests/ConvoyWeightsTests/Fixtures/generate_reference.py
import json
import os
import struct

import numpy as np

tensors = {
    "f32": np.array([[0.0, -0.0, 1.5], [-2.25, 3.0e38, 1.0e-45]], dtype="<f4"),
    # F16: 1, -2, smallest subnormal, largest subnormal, smallest normal, largest finite, -inf, NaN.
    "f16": np.array([0x3C00, 0xC000, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0xFC00, 0x7E00], dtype="<u2").view("<f2"),
    # BF16: 1, -0, 3.140625, NaN (bits above F32 bits >> 16).
    "bf16": np.array([0x3F80, 0x8000, 0x4049, 0x7FC0], dtype="<u2"),
    "f64": np.array([0.1, 1.0e-40, 1.0e300], dtype="<f8"),
    "i64": np.array(42, dtype="<i8"),
    "u8": np.array([0, 255], dtype="<u1"),
    "nested.name.weight": np.arange(4, dtype="<f4").reshape(1, 1, 2, 2),
}
dtypes = {"f32": "F32", "f16": "F16", "bf16": "BF16", "f64": "F64", "i64": "I64", "u8": "U8", "nested.name.weight": "F32"}

header = {"__metadata__": {"format": "pt", "source": "generate_reference.py"}}
offset = 0
blobs = []
# Largest elements first, then by name, as the safetensors package orders them.
for name in sorted(tensors, key=lambda n: (-tensors[n].dtype.itemsize, n)):
    blob = tensors[name].tobytes()
    header[name] = {"dtype": dtypes[name], "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(blob)]}
    offset += len(blob)
    blobs.append(blob)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)
