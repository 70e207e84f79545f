#!/usr/bin/env python3
"""Writes bench/data/pnet.onnx: a network shaped as MTCNN's PNet (the face detector's first stage)
with seeded random weights, for issue 17's second network row. Only its shapes and layers matter
for speed: conv 3→10 (3×3, no padding) + PRelu, MaxPool 2×2 stride 2 with ceil_mode, conv 10→16
+ PRelu, conv 16→32 + PRelu, then two 1×1 heads on the same trunk: 32→2 with a Softmax over
channels (face / not face) and 32→4 (box offsets). Input [N, 3, H, W] with symbolic N, H and W.

Usage: make_pnet.py OUTPUT.onnx   (make bench runs it into bench/data/)
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save


def build(rng):
    nodes, weights = [], []

    def conv(name, source, cin, cout, kernel):
        bound = 1 / np.sqrt(cin * kernel * kernel)
        weights.append(numpy_helper.from_array(rng.uniform(-bound, bound, (cout, cin, kernel, kernel)).astype(np.float32), name + ".weight"))
        weights.append(numpy_helper.from_array(rng.uniform(-bound, bound, cout).astype(np.float32), name + ".bias"))
        nodes.append(helper.make_node("Conv", [source, name + ".weight", name + ".bias"], [name], kernel_shape=[kernel, kernel]))
        return name

    def prelu(name, source, channels):
        weights.append(numpy_helper.from_array(rng.uniform(0.05, 0.35, (channels, 1, 1)).astype(np.float32), name + ".slope"))
        nodes.append(helper.make_node("PRelu", [source, name + ".slope"], [name]))
        return name

    x = prelu("prelu1", conv("conv1", "input", 3, 10, 3), 10)
    nodes.append(helper.make_node("MaxPool", [x], ["pool1"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1))
    x = prelu("prelu2", conv("conv2", "pool1", 10, 16, 3), 16)
    x = prelu("prelu3", conv("conv3", x, 16, 32, 3), 32)
    conv("conv4_1", x, 32, 2, 1)
    nodes.append(helper.make_node("Softmax", ["conv4_1"], ["prob"], axis=1))
    conv("conv4_2", x, 32, 4, 1)
    graph = helper.make_graph(nodes, "pnet", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, "H", "W"])],
                              [helper.make_tensor_value_info("prob", TensorProto.FLOAT, None),
                               helper.make_tensor_value_info("conv4_2", TensorProto.FLOAT, None)], weights)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    save(build(np.random.default_rng(0x9E7)), sys.argv[1])
