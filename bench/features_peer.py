#!/usr/bin/env python3
"""The Python loop a user would write instead of `convoy features`: PyAV decodes, numpy batches
8 RGB frames scaled to 0…1, onnxruntime (2 threads) runs the same network with the same weights,
and each map is averaged to one value per channel (as `convoy features --pool avg`), appended to
one raw float32 file.

Usage: features_peer.py MODEL.safetensors|MODEL.onnx INPUT.mp4 OUTPUT.f32 [THREADS]
(an .onnx file is run as it is, its input named whatever it says).
The network is Samples/Models/tiny-features: conv 3→16, relu, maxpool 2, conv 16→32, relu,
conv 32→32, relu (3×3, padding 1).
"""
import json
import struct
import sys
import time

import av
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def read_safetensors(path):
    data = open(path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    out = {}
    for name, info in header.items():
        if name != "__metadata__":
            begin, end = info["data_offsets"]
            out[name] = np.frombuffer(data[base + begin:base + end], dtype="<f4").reshape(info["shape"])
    return out


def build_model(weights):
    nodes, inits = [], []
    x = "input"
    for index, conv in enumerate(["conv1", "conv2", "conv3"]):
        inits += [numpy_helper.from_array(weights[f"{conv}.weight"], f"{conv}.weight"),
                  numpy_helper.from_array(weights[f"{conv}.bias"], f"{conv}.bias")]
        nodes.append(helper.make_node("Conv", [x, f"{conv}.weight", f"{conv}.bias"], [f"{conv}.out"],
                                      kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Relu", [f"{conv}.out"], [f"relu{index + 1}"]))
        x = f"relu{index + 1}"
        if index == 0:
            nodes.append(helper.make_node("MaxPool", [x], ["pool1"], kernel_shape=[2, 2], strides=[2, 2]))
            x = "pool1"
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, "H", "W"])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, None)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def main():
    weights_path, input_path, output_path = sys.argv[1:4]
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    if weights_path.endswith(".onnx"):
        session = ort.InferenceSession(weights_path, options, providers=["CPUExecutionProvider"])
    else:
        session = ort.InferenceSession(build_model(read_safetensors(weights_path)).SerializeToString(), options,
                                       providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    start = time.perf_counter()
    frames, batch = 0, []
    with open(output_path, "wb") as out:
        container = av.open(input_path)
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"

        def flush():
            result = session.run(None, {input_name: np.stack(batch)})[0]
            out.write(result.mean(axis=(2, 3)).astype("<f4").tobytes())

        for frame in container.decode(stream):
            rgb = frame.to_ndarray(format="rgb24")
            batch.append(np.transpose(rgb, (2, 0, 1)).astype(np.float32) / 255.0)
            frames += 1
            if len(batch) == 8:
                flush()
                batch = []
        if batch:
            flush()
    elapsed = time.perf_counter() - start
    print(json.dumps({"frames": frames, "seconds": elapsed, "fps": frames / elapsed}))


if __name__ == "__main__":
    main()
