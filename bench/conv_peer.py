#!/usr/bin/env python3
"""The peer of `convoy-bench` (Sources/ConvoyBench): onnxruntime with 2 intra-op threads runs the
same convolution layers on the same shapes and batch, random Float32 inputs, and prints one JSON
line per case: the median milliseconds per frame and GFLOP/s.

Usage: conv_peer.py [--case NAME ...] [--batch 8] [--width 1920] [--height 1080] [--threads 2] [--repeat 5]
       conv_peer.py --model NET.onnx [--runtime onnxruntime|openvino [--precision f32|bf16]] [--name NAME] [--flop-per-frame N] [--batch 8] …

With --model, the ONNX file itself is timed as `convoy-bench --model NET.onnx` times it (its
first input fed random frames of its channel count, every output bound), by onnxruntime or, with
`--runtime openvino`, by OpenVINO (`pip install openvino` into bench/.venv); its FLOPs are not
counted here: give convoy-bench's flop_per_frame for a GFLOP/s figure (make bench takes it from
convoy-bench's line of the same row).

Cases (as convoy-bench's): conv-3-16 and conv-16-32 are Conv (3×3, pads 1, bias) + Relu;
depthwise-rgb is a Conv 3→3 with group 3 (3×3, pads 1, bias), no activation; tiny-features is
the network of `convoy features` in `make bench` (bench/features_peer.py's graph: conv 3→16, relu,
maxpool 2, conv 16→32, relu, conv 32→32, relu), with random weights, on the whole batch at once. Each case runs once
to warm up, then `--repeat` timed runs of one whole batch, input and output bound once with
IOBinding (no output allocated per run, as convoy-bench reuses its tensors).

FLOPs per frame, multiply-adds counted as 2 and nothing else (as convoy-bench counts them):
2 · outChannels · H · W · (inChannels / groups) · 3 · 3, summed over tiny-features' three
convolutions (the last two on the pooled H/2 × W/2 frame).
"""
import argparse
import os
import json
import statistics
import time

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from features_peer import build_model as build_network

# name: (inChannels, outChannels, groups, relu)
CASES = {
    "conv-3-16": (3, 16, 1, True),
    "conv-16-32": (16, 32, 1, True),
    "conv-32-32": (32, 32, 1, True),
    "depthwise-rgb": (3, 3, 3, False),
    "tiny-features": (3, 32, 1, True),
    "tiny-features-onnx": (3, 32, 1, True),
}
# The ONNX file convoy-bench's tiny-features-onnx case imports: the same network, Samples weights.
TINY_ONNX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "ConvoyWeightsTests", "Fixtures", "onnx",
                         "tiny-features.onnx")


def random_network(rng):
    """tiny-features' graph with weights uniform in ±1/sqrt(fan-in), as convoy-bench draws them."""
    weights = {}
    for name, (cin, cout) in zip(["conv1", "conv2", "conv3"], [(3, 16), (16, 32), (32, 32)]):
        bound = 1 / np.sqrt(cin * 9)
        weights[f"{name}.weight"] = rng.uniform(-bound, bound, (cout, cin, 3, 3)).astype(np.float32)
        weights[f"{name}.bias"] = rng.uniform(-bound, bound, cout).astype(np.float32)
    return build_network(weights)


def build_model(in_channels, out_channels, groups, relu, rng):
    fan_in = in_channels // groups * 9
    bound = 1 / np.sqrt(fan_in)
    weight = rng.uniform(-bound, bound, (out_channels, in_channels // groups, 3, 3)).astype(np.float32)
    bias = rng.uniform(-bound, bound, out_channels).astype(np.float32)
    nodes = [helper.make_node("Conv", ["input", "weight", "bias"], ["conv"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                              group=groups)]
    output = "conv"
    if relu:
        nodes.append(helper.make_node("Relu", ["conv"], ["relu"]))
        output = "relu"
    graph = helper.make_graph(nodes, "layer", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", in_channels, "H", "W"])],
                              [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(weight, "weight"), numpy_helper.from_array(bias, "bias")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def timed(session, binding, repeat):
    """One warm-up run, then the seconds of each of `repeat` runs."""
    session.run_with_iobinding(binding)
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        session.run_with_iobinding(binding)
        seconds.append(time.perf_counter() - start)
    return seconds


def report(name, seconds, flop_per_frame, args):
    median = statistics.median(seconds)
    gflops = round(flop_per_frame * args.batch / median / 1e9, 1) if flop_per_frame else None
    print(json.dumps({"batch": args.batch, "flop_per_frame": flop_per_frame, "gflops": gflops, "height": args.height,
                      "ms_per_frame": round(median * 1000 / args.batch, 3), "name": name,
                      "precision": getattr(args, "precision", "f32"),
                      "runs_ms_per_frame": [round(s * 1000 / args.batch, 3) for s in seconds],
                      "threads": args.threads, "width": args.width}, sort_keys=True), flush=True)


def time_openvino(args, rng):
    """`--model --runtime openvino`: the file compiled by OpenVINO for the CPU with `--threads`
    inference threads, one stream, the `--precision` inference precision hint (OpenVINO runs
    bf16 by default on CPUs with AVX512_BF16, so f32 is asked for explicitly) and the batch's
    shape, one infer request reused."""
    import openvino as ov

    core = ov.Core()
    model = core.read_model(args.model)
    channels = model.inputs[0].get_partial_shape()[1].get_length()
    batch = rng.random((args.batch, channels, args.height, args.width), dtype=np.float32)
    model.reshape({model.inputs[0]: list(batch.shape)})
    compiled = core.compile_model(model, "CPU", {"INFERENCE_NUM_THREADS": args.threads, "NUM_STREAMS": 1,
                                                 "INFERENCE_PRECISION_HINT": args.precision})
    request = compiled.create_infer_request()
    request.set_input_tensor(ov.Tensor(batch))
    request.infer()
    seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        request.infer()
        seconds.append(time.perf_counter() - start)
    report(args.name or os.path.basename(args.model), seconds, args.flop_per_frame, args)


def time_model(args, rng):
    """`--model`: the file's first input fed a random batch, every output bound once."""
    if args.runtime == "openvino":
        time_openvino(args, rng)
        return
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    first = session.get_inputs()[0]
    batch = rng.random((args.batch, first.shape[1], args.height, args.width), dtype=np.float32)
    shapes = [result.shape for result in session.run(None, {first.name: batch})]
    outputs = [np.empty(shape, dtype=np.float32) for shape in shapes]
    binding = session.io_binding()
    binding.bind_cpu_input(first.name, batch)
    for info, output in zip(session.get_outputs(), outputs):
        binding.bind_output(info.name, "cpu", 0, np.float32, output.shape, output.ctypes.data)
    report(args.name or os.path.basename(args.model), timed(session, binding, args.repeat), args.flop_per_frame, args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="a case to run (repeatable); all when omitted")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model", help="time this ONNX file alone instead of the cases")
    parser.add_argument("--flop-per-frame", type=float, help="with --model: its FLOPs per frame (convoy-bench's flop_per_frame)")
    parser.add_argument("--name", help="with --model: the name its JSON line gives (the file's name by default)")
    parser.add_argument("--runtime", choices=["onnxruntime", "openvino"], default="onnxruntime",
                        help="with --model: the runtime that times it (openvino when the venv has it)")
    parser.add_argument("--precision", choices=["f32", "bf16"], default="f32",
                        help="with --runtime openvino: its inference precision hint (onnxruntime always runs f32)")
    args = parser.parse_args()
    rng = np.random.default_rng(0xC04B07)
    if args.model:
        time_model(args, rng)
        return
    for name in args.case or list(CASES):
        in_channels, out_channels, groups, relu = CASES[name]
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        network = name.startswith("tiny-features")
        if name == "tiny-features-onnx":
            session = ort.InferenceSession(TINY_ONNX, options, providers=["CPUExecutionProvider"])
        else:
            model = random_network(rng) if network else build_model(in_channels, out_channels, groups, relu, rng)
            session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        batch = rng.random((args.batch, in_channels, args.height, args.width), dtype=np.float32)
        # Input and output bound once (as convoy-bench reuses its tensors): the timed runs
        # compute into the same output array without allocating it again.
        size = (args.height // 2, args.width // 2) if network else (args.height, args.width)
        output = np.empty((args.batch, out_channels) + size, dtype=np.float32)
        binding = session.io_binding()
        binding.bind_cpu_input(session.get_inputs()[0].name, batch)
        binding.bind_output(session.get_outputs()[0].name, "cpu", 0, np.float32, output.shape, output.ctypes.data)
        seconds = timed(session, binding, args.repeat)
        if network:
            pooled = (args.height // 2) * (args.width // 2)
            flop_per_frame = 2 * 9 * (16 * 3 * args.height * args.width + 32 * 16 * pooled + 32 * 32 * pooled)
        else:
            flop_per_frame = 2 * out_channels * args.height * args.width * (in_channels // groups) * 9
        report(name, seconds, flop_per_frame, args)
        del session, binding, batch, output


main()
