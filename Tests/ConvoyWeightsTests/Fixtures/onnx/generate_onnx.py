#!/usr/bin/env python3
# generated, do not edit; regenerate with:
#   .venv/bin/python Tests/ConvoyWeightsTests/Fixtures/onnx/generate_onnx.py
# (make test-venv makes .venv with onnx, onnxruntime and numpy)
#
# Small ONNX models built with onnx.helper, one per operator and operator-set variant Convoy's
# importer reads, each with a seeded input and the outputs onnxruntime computes for it:
#   NAME.onnx, NAME.input.pb, NAME.output_K.pb (TensorProtos, as ONNX's backend test data).
# Also tiny-features.onnx, the network of Samples/Models/tiny-features.yaml with its
# safetensors weights, for the YAML-against-ONNX test, and cyclic.onnx (a node reading a later
# node's output), which Convoy must refuse. manifest.txt lists the cases.
import json
import os
import struct
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
rng = np.random.default_rng(13)
# Start afresh: onnx appends to an external data file that is already there.
for old in os.listdir(HERE):
    if old.endswith((".onnx", ".pb", ".weights")):
        os.remove(os.path.join(HERE, old))
cases = []


def weight(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def save(name, nodes, inits, input_shape, outputs, opset, input_dims=None, external=False, run_shape=None, extra=None):
    """Builds, checks, runs with onnxruntime and writes one case."""
    dims = input_dims if input_dims is not None else ["N", input_shape[1], "H", "W"]
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("image", TensorProto.FLOAT, dims)],
                              [helper.make_empty_tensor_value_info(o) for o in outputs], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="convoy-fixtures")
    model.ir_version = 7 if opset < 15 else 8
    path = os.path.join(HERE, name + ".onnx")
    if external:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=name + ".weights", size_threshold=0)
    else:
        onnx.save_model(model, path)
    x = rng.uniform(0, 1, run_shape or input_shape).astype(np.float32)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    results = session.run(None, {"image": x})
    with open(os.path.join(HERE, name + ".input.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x).SerializeToString())
    for k, r in enumerate(results):
        with open(os.path.join(HERE, f"{name}.output_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(np.ascontiguousarray(r.astype(np.float32))).SerializeToString())
    cases.append(name)


def init(name, array):
    return numpy_helper.from_array(array, name)


X = [2, 3, 9, 8]

# Convolutions: pads, strides, groups, dilation, auto_pad.
save("conv_pads", [helper.make_node("Conv", ["image", "w", "b"], ["y"], kernel_shape=[3, 3], pads=[1, 2, 1, 2], strides=[2, 1])],
     [init("w", weight(4, 3, 3, 3)), init("b", weight(4))], X, ["y"], 13)
save("conv_groups_dilation", [helper.make_node("Conv", ["image", "w"], ["y"], group=3, dilations=[2, 2], pads=[2, 2, 2, 2])],
     [init("w", weight(6, 1, 3, 3))], X, ["y"], 11)
save("conv_same_upper", [helper.make_node("Conv", ["image", "w", "b"], ["y"], auto_pad="SAME_UPPER")],
     [init("w", weight(5, 3, 3, 3)), init("b", weight(5))], X, ["y"], 7)
save("conv_valid", [helper.make_node("Conv", ["image", "w", "b"], ["y"], auto_pad="VALID", strides=[2, 2])],
     [init("w", weight(5, 3, 3, 3)), init("b", weight(5))], X, ["y"], 9)

# Batch norm after a convolution (folded) and alone; activations.
bn = lambda c, p: [init(p + "s", weight(c) + 1), init(p + "b", weight(c)), init(p + "m", weight(c)),
                   init(p + "v", np.abs(weight(c)) + 0.5)]
save("conv_bn_relu", [helper.make_node("Conv", ["image", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
                      helper.make_node("BatchNormalization", ["c", "bns", "bnb", "bnm", "bnv"], ["n"], epsilon=1e-3),
                      helper.make_node("Relu", ["n"], ["y"])],
     [init("w", weight(4, 3, 3, 3)), init("b", weight(4))] + bn(4, "bn"), X, ["y"], 13)
save("batchnorm_alone", [helper.make_node("BatchNormalization", ["image", "bns", "bnb", "bnm", "bnv"], ["y"])], bn(3, "bn"), X, ["y"], 9)
save("activations", [helper.make_node("Sub", ["image", "half"], ["x"]),
                     helper.make_node("LeakyRelu", ["x"], ["l"], alpha=0.2),
                     helper.make_node("PRelu", ["x", "slope"], ["p"]),
                     helper.make_node("Sigmoid", ["x"], ["s"]),
                     helper.make_node("Tanh", ["x"], ["t"]),
                     helper.make_node("Concat", ["l", "p", "s", "t"], ["y"], axis=1)],
     [init("half", np.array(0.5, np.float32)), init("slope", weight(3, 1, 1))], X, ["y"], 13)

# Pooling.
save("maxpool_ceil_pads", [helper.make_node("MaxPool", ["image"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)],
     [], X, ["y"], 12)
save("avgpool_exclude_pad", [helper.make_node("AveragePool", ["image"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])],
     [], X, ["y"], 11)
save("avgpool_include_pad", [helper.make_node("AveragePool", ["image"], ["y"], kernel_shape=[2, 2], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=1)],
     [], X, ["y"], 7)

# Softmax: opset 11 (the axis flattens what follows) after a global pool; opset 13 over channels.
save("softmax_opset11", [helper.make_node("GlobalAveragePool", ["image"], ["g"]),
                         helper.make_node("Softmax", ["g"], ["y"], axis=1)], [], X, ["y"], 11)
save("softmax_opset13", [helper.make_node("Softmax", ["image"], ["y"], axis=1)], [], X, ["y"], 13)

# Arithmetic: per-channel and scalar constants on either side, Sum, Add of two maps.
save("arithmetic", [helper.make_node("Mul", ["image", "scale"], ["a"]),
                    helper.make_node("Add", ["shift", "a"], ["b"]),
                    helper.make_node("Div", ["b", "two"], ["c"]),
                    helper.make_node("Sub", ["one", "c"], ["d"]),
                    helper.make_node("Sum", ["d", "image", "c"], ["e"]),
                    helper.make_node("Add", ["e", "d"], ["y"])],
     [init("scale", weight(1, 3, 1, 1)), init("shift", weight(3, 1, 1)), init("two", np.array([2.0], np.float32)),
      init("one", np.array(1.0, np.float32))], X, ["y"], 13)

# Upsampling: Upsample 7 (attribute) and 9 (input), Resize 10, 11 (half_pixel nearest, align_corners
# linear), 13 (linear with sizes computed from the input's shape).
save("upsample_opset7", [helper.make_node("Upsample", ["image"], ["y"], scales=[1.0, 1.0, 2.0, 3.0], mode="nearest")], [], X, ["y"], 7)
save("upsample_opset9", [helper.make_node("Upsample", ["image", "s"], ["y"], mode="nearest")],
     [init("s", np.array([1, 1, 2, 2], np.float32))], X, ["y"], 9)
save("resize_opset10", [helper.make_node("Resize", ["image", "s"], ["y"], mode="nearest")],
     [init("s", np.array([1, 1, 3, 2], np.float32))], X, ["y"], 10)
save("resize_opset11_nearest", [helper.make_node("Resize", ["image", "roi", "s"], ["y"], mode="nearest")],
     [init("roi", np.array([], np.float32)), init("s", np.array([1, 1, 2, 2], np.float32))], X, ["y"], 11)
save("resize_opset11_align_corners", [helper.make_node("Resize", ["image", "roi", "s"], ["y"], mode="linear",
                                                       coordinate_transformation_mode="align_corners")],
     [init("roi", np.array([], np.float32)), init("s", np.array([1, 1, 2, 2], np.float32))], X, ["y"], 11)
save("resize_opset13_sizes", [helper.make_node("Shape", ["image"], ["shape"]),
                              helper.make_node("Slice", ["shape", "zero", "two"], ["nc"]),
                              helper.make_node("Slice", ["shape", "two", "four"], ["hw"]),
                              helper.make_node("Mul", ["hw", "factor"], ["hw2"]),
                              helper.make_node("Concat", ["nc", "hw2"], ["sizes"], axis=0),
                              helper.make_node("Resize", ["image", "", "", "sizes"], ["y"], mode="linear")],
     [init("zero", np.array([0], np.int64)), init("two", np.array([2], np.int64)), init("four", np.array([4], np.int64)),
      init("factor", np.array([2, 2], np.int64))], X, ["y"], 13)

# Pixel shuffles: DepthToSpace CRD and the Reshape/Transpose/Reshape PyTorch wrote before it.
save("depth_to_space_crd", [helper.make_node("DepthToSpace", ["image"], ["y"], blocksize=2, mode="CRD")], [], [2, 8, 5, 4], ["y"], 13)
save("pixel_shuffle_reshape", [helper.make_node("Reshape", ["image", "s1"], ["a"]),
                               helper.make_node("Transpose", ["a"], ["b"], perm=[0, 1, 4, 2, 5, 3]),
                               helper.make_node("Reshape", ["b", "s2"], ["y"])],
     [init("s1", np.array([1, 2, 2, 2, 5, 4], np.int64)), init("s2", np.array([1, 2, 10, 8], np.int64))],
     [1, 8, 5, 4], ["y"], 9, input_dims=[1, 8, 5, 4])

# Clip as ReLU: limits as attributes (opset 7) and as inputs (opset 11).
save("clip_opset7", [helper.make_node("Sub", ["image", "half"], ["x"]), helper.make_node("Clip", ["x"], ["y"], min=0.0)],
     [init("half", np.array(0.5, np.float32))], X, ["y"], 7)
save("clip_opset11", [helper.make_node("Sub", ["image", "half"], ["x"]), helper.make_node("Clip", ["x", "zero"], ["y"])],
     [init("half", np.array(0.5, np.float32)), init("zero", np.array(0.0, np.float32))], X, ["y"], 11)

# Weights as F16 (raw and in int32_data), BF16, F64, typed float_data, a Constant node, external data.
w = weight(4, 3, 3, 3)
f16_raw = numpy_helper.from_array(w.astype(np.float16), "w")
f16_typed = helper.make_tensor("w", TensorProto.FLOAT16, w.shape, w.astype(np.float16).view(np.uint16).astype(np.int32).flatten().tolist())
bf16 = helper.make_tensor("w", TensorProto.BFLOAT16, w.shape, (w.view(np.uint32) >> 16).astype(np.int32).flatten().tolist())
f64 = numpy_helper.from_array(w.astype(np.float64), "w")
typed = helper.make_tensor("w", TensorProto.FLOAT, w.shape, w.flatten().tolist())
for label, tensor in [("f16_raw", f16_raw), ("f16_int32_data", f16_typed), ("bf16", bf16), ("f64", f64), ("float_data", typed)]:
    # onnxruntime computes in the weight's type; the Cast makes it a FLOAT weight, as Convoy reads it.
    save("weights_" + label, [helper.make_node("Cast", ["w"], ["wf"], to=TensorProto.FLOAT),
                              helper.make_node("Conv", ["image", "wf"], ["y"], pads=[1, 1, 1, 1])], [tensor], X, ["y"], 13)
save("weights_constant_node", [helper.make_node("Constant", [], ["w"], value=numpy_helper.from_array(w)),
                               helper.make_node("Conv", ["image", "w"], ["y"], pads=[1, 1, 1, 1])], [], X, ["y"], 13)
save("weights_external", [helper.make_node("Conv", ["image", "w", "b"], ["y"], pads=[1, 1, 1, 1])],
     [init("w", w), init("b", weight(4))], X, ["y"], 13, external=True)

# Shape arithmetic folded at load; Squeeze/Unsqueeze axes as attributes (11) and inputs (13); a
# classifier head: global pool, flatten as x.view(x.size(0), -1), Gemm; two outputs.
for opset in [11, 13]:
    axes_in = opset >= 13
    save(f"classifier_opset{opset}", [
        helper.make_node("Conv", ["image", "w", "b"], ["features"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["features"], ["r"]),
        helper.make_node("GlobalAveragePool", ["r"], ["g"]),
        helper.make_node("Shape", ["g"], ["gs"]),
        helper.make_node("Gather", ["gs", "idx0"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"] if axes_in else ["n"], ["n1"], **({} if axes_in else {"axes": [0]})),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], axis=0),
        helper.make_node("Cast", ["target"], ["target64"], to=TensorProto.INT64),
        helper.make_node("Reshape", ["g", "target64"], ["flat"]),
        helper.make_node("Dropout", ["flat"], ["d"]),
        helper.make_node("Gemm", ["d", "fc", "fcb"], ["logits"], transB=1, alpha=0.5, beta=2.0),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        helper.make_node("Identity", ["r"], ["map"]),
        helper.make_node("Squeeze", ["g", "axes23"] if axes_in else ["g"], ["squeezed"], **({} if axes_in else {"axes": [2, 3]})),
        helper.make_node("Unsqueeze", ["squeezed", "axes23"] if axes_in else ["squeezed"], ["pooled"], **({} if axes_in else {"axes": [2, 3]})),
    ], [init("w", weight(8, 3, 3, 3)), init("b", weight(8)), init("fc", weight(5, 8)), init("fcb", weight(5)),
        init("idx0", np.array(0, np.int64)), init("axes0", np.array([0], np.int64)), init("minus1", np.array([-1], np.int64)),
        init("axes23", np.array([2, 3], np.int64))], X, ["probabilities", "map", "pooled"], opset)

# A head on a flattened map (MatMul after Flatten) at a fixed input size, as a 224×224 classifier declares.
save("flatten_matmul_fixed", [helper.make_node("MaxPool", ["image"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
                              helper.make_node("Flatten", ["p"], ["f"]),
                              helper.make_node("MatMul", ["f", "m"], ["y"])],
     [init("m", weight(3 * 4 * 4, 6, scale=0.1))], [1, 3, 8, 8], ["y"], 13, input_dims=[1, 3, 8, 8], run_shape=[1, 3, 8, 8])

# Pad before a convolution (zeros, reflect, edge; opset 7 attributes, 13 inputs) becomes its padding.
save("pad_zero_conv_opset7", [helper.make_node("Pad", ["image"], ["p"], pads=[0, 0, 1, 2, 0, 0, 1, 2]),
                              helper.make_node("Conv", ["p", "w"], ["y"], pads=[1, 1, 1, 1])], [init("w", weight(4, 3, 3, 3))], X, ["y"], 7)
for mode in ["reflect", "edge"]:
    save(f"pad_{mode}_conv", [helper.make_node("Pad", ["image", "pads"], ["p"], mode=mode),
                              helper.make_node("Conv", ["p", "w", "b"], ["y"])],
         [init("pads", np.array([0, 0, 2, 1, 0, 0, 2, 1], np.int64)), init("w", weight(4, 3, 5, 3)), init("b", weight(4))], X, ["y"], 13)
# Global max pool, and ReduceMean/ReduceMax over H and W (keepdims 1 and 0).
save("global_pools", [helper.make_node("GlobalMaxPool", ["image"], ["gmax"]),
                      helper.make_node("ReduceMean", ["image"], ["mean"], axes=[2, 3], keepdims=1),
                      helper.make_node("ReduceMax", ["image"], ["rmax"], axes=[-1, -2], keepdims=0),
                      helper.make_node("Concat", ["gmax", "mean"], ["y"], axis=1)], [], X, ["y", "rmax"], 13)

# Activations of newer layers; the patterns exporters spell out (x·sigmoid x, x·hardsigmoid x).
save("activations_more", [helper.make_node("Sub", ["image", "half"], ["x"]),
                          helper.make_node("Elu", ["x"], ["e"], alpha=0.7),
                          helper.make_node("HardSigmoid", ["x"], ["hs"], alpha=0.3, beta=0.4),
                          helper.make_node("HardSwish", ["x"], ["hw"]),
                          helper.make_node("Clip", ["x", "zero", "six"], ["r6"]),
                          helper.make_node("Sigmoid", ["x"], ["sg"]), helper.make_node("Mul", ["x", "sg"], ["silu"]),
                          helper.make_node("HardSigmoid", ["x"], ["h6"], alpha=1 / 6), helper.make_node("Mul", ["h6", "x"], ["hswish"]),
                          helper.make_node("Div", ["two", "image"], ["inv"]),
                          helper.make_node("Concat", ["e", "hs", "hw", "r6", "silu", "hswish", "inv"], ["y"], axis=1)],
     [init("half", np.array(0.5, np.float32)), init("zero", np.array(0.0, np.float32)), init("six", np.array(0.25, np.float32)),
      init("two", np.array(2.0, np.float32))], X, ["y"], 14)
# Squeeze-and-excite: global pool, 1×1 convolutions, sigmoid, a [N, C, 1, 1] scale of the map.
save("squeeze_excite", [helper.make_node("GlobalAveragePool", ["image"], ["g"]),
                        helper.make_node("Conv", ["g", "w1", "b1"], ["s1"]), helper.make_node("Relu", ["s1"], ["r"]),
                        helper.make_node("Conv", ["r", "w2", "b2"], ["s2"]), helper.make_node("Sigmoid", ["s2"], ["gate"]),
                        helper.make_node("Mul", ["image", "gate"], ["scaled"]),
                        helper.make_node("Sub", ["scaled", "image"], ["y"])],
     [init("w1", weight(2, 3, 1, 1)), init("b1", weight(2)), init("w2", weight(3, 2, 1, 1)), init("b2", weight(3))], X, ["y"], 13)
# Pads no convolution takes (constant 0.5, reflect), DepthToSpace DCR, SpaceToDepth, a channel shuffle.
save("pad_alone", [helper.make_node("Pad", ["image", "pads", "value"], ["a"], mode="constant"),
                   helper.make_node("Pad", ["image", "pads"], ["b"], mode="reflect"),
                   helper.make_node("Concat", ["a", "b"], ["y"], axis=1)],
     [init("pads", np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64)), init("value", np.array(0.5, np.float32))], X, ["y"], 13)
save("rearrange", [helper.make_node("DepthToSpace", ["image"], ["d"], blocksize=2, mode="DCR"),
                   helper.make_node("SpaceToDepth", ["d"], ["s"], blocksize=2),
                   helper.make_node("Reshape", ["s", "g"], ["a"]), helper.make_node("Transpose", ["a"], ["t"], perm=[0, 2, 1, 3, 4]),
                   helper.make_node("Reshape", ["t", "back"], ["y"])],
     [init("g", np.array([0, 2, 4, 5, 4], np.int64)), init("back", np.array([0, 8, 5, 4], np.int64))], [2, 8, 5, 4], ["y"], 13)
# Resizing Upsample cannot: linear asymmetric (Upsample 9), a fractional scale, cubic refused elsewhere.
save("upsample_linear_opset9", [helper.make_node("Upsample", ["image", "s"], ["y"], mode="linear")],
     [init("s", np.array([1, 1, 2, 2], np.float32))], X, ["y"], 9)
save("resize_fractional", [helper.make_node("Resize", ["image", "", "s"], ["y"], mode="linear", coordinate_transformation_mode="half_pixel")],
     [init("s", np.array([1, 1, 1.5, 0.75], np.float32))], X, ["y"], 13)
# LRN, ConvTranspose (pads, output_padding, groups, and output_shape), a flattened map as an output.
save("lrn", [helper.make_node("LRN", ["image"], ["y"], size=3, alpha=0.01, beta=0.75, bias=1.5)], [], X, ["y"], 13)
save("conv_transpose", [helper.make_node("ConvTranspose", ["image", "w", "b"], ["y"], strides=[2, 2], pads=[1, 0, 1, 1],
                                         output_padding=[1, 0], group=3)],
     [init("w", weight(3, 2, 3, 3)), init("b", weight(6))], X, ["y"], 13)
save("conv_transpose_output_shape", [helper.make_node("ConvTranspose", ["image", "w"], ["y"], strides=[2, 2], output_shape=[18, 16])],
     [init("w", weight(3, 4, 3, 3))], X, ["y"], 11)
save("flatten_output", [helper.make_node("MaxPool", ["image"], ["p"], kernel_shape=[3, 3], strides=[3, 3]),
                        helper.make_node("Flatten", ["p"], ["y"]), helper.make_node("Relu", ["y"], ["z"])], [], X, ["y", "z"], 13)

# The benchmarks' network (Samples/Models/tiny-features.yaml), weights from its safetensors file.
def read_safetensors(path):
    data = open(path, "rb").read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    return {k: np.frombuffer(data[8 + length + v["data_offsets"][0]:8 + length + v["data_offsets"][1]], "<f4").reshape(v["shape"])
            for k, v in header.items() if k != "__metadata__"}


tiny = read_safetensors(os.path.join(ROOT, "Samples", "Models", "tiny-features.safetensors"))
nodes, inits, x = [], [], "image"
for i, conv in enumerate(["conv1", "conv2", "conv3"]):
    inits += [init(conv + ".weight", tiny[conv + ".weight"]), init(conv + ".bias", tiny[conv + ".bias"])]
    nodes += [helper.make_node("Conv", [x, conv + ".weight", conv + ".bias"], [conv], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name=conv),
              helper.make_node("Relu", [conv], [f"relu{i + 1}"], name=f"relu{i + 1}")]
    x = f"relu{i + 1}"
    if i == 0:
        nodes.append(helper.make_node("MaxPool", [x], ["pool1"], kernel_shape=[2, 2], strides=[2, 2], name="pool1"))
        x = "pool1"
save("tiny-features", nodes, inits, [2, 3, 16, 24], ["relu3"], 13)

# A cyclic graph (a node reading a later node's output): refused.
cyclic = helper.make_graph([helper.make_node("Relu", ["b"], ["a"]), helper.make_node("Relu", ["a"], ["b"])], "cyclic",
                           [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, "H", "W"])],
                           [helper.make_tensor_value_info("b", TensorProto.FLOAT, None)])
onnx.save_model(helper.make_model(cyclic, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(HERE, "cyclic.onnx"))

# Files Convoy must refuse, each with one line (see ONNXErrorTests): operators it cannot run,
# two image inputs, a weight whose raw data is short, external data that is short or outside
# the model's folder.
def bad(name, nodes, inits, inputs=None, tweak=None):
    graph = helper.make_graph(nodes, name, inputs or [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, "H", "W"])],
                              [helper.make_empty_tensor_value_info(nodes[-1].output[0])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    if tweak:
        tweak(model)
    onnx.save_model(model, os.path.join(HERE, "bad_" + name + ".onnx"))


bad("unsupported", [helper.make_node("Conv", ["image", "w"], ["c"], name="conv"),
                    helper.make_node("Erf", ["c"], ["e1"], name="erf1"), helper.make_node("Erf", ["e1"], ["e2"], name="erf2"),
                    helper.make_node("Erf", ["e2"], ["e3"], name="erf3"), helper.make_node("Erf", ["e3"], ["e4"], name="erf4"),
                    helper.make_node("LpNormalization", ["e4"], ["y"], name="norm")], [init("w", weight(4, 3, 3, 3))])
bad("two_inputs", [helper.make_node("Add", ["image", "other"], ["y"])], [],
    inputs=[helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, "H", "W"]),
            helper.make_tensor_value_info("other", TensorProto.FLOAT, ["N", 3, "H", "W"])])


def short_raw(model):
    model.graph.initializer[0].raw_data = model.graph.initializer[0].raw_data[:-4]


bad("short_weight", [helper.make_node("Conv", ["image", "w"], ["y"])], [init("w", weight(4, 3, 3, 3))], tweak=short_raw)


def external(location, length):
    def tweak(model):
        tensor = model.graph.initializer[0]
        tensor.ClearField("raw_data")
        tensor.data_location = TensorProto.EXTERNAL
        for key, value in [("location", location), ("offset", "0"), ("length", str(length))]:
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
    return tweak


with open(os.path.join(HERE, "bad_short.weights"), "wb") as f:
    f.write(weight(4, 3, 3, 3).tobytes()[:100])
bad("external_short", [helper.make_node("Conv", ["image", "w"], ["y"])], [init("w", weight(4, 3, 3, 3))],
    tweak=external("bad_short.weights", 4 * 3 * 3 * 3 * 4))
bad("external_missing", [helper.make_node("Conv", ["image", "w"], ["y"])], [init("w", weight(4, 3, 3, 3))],
    tweak=external("no_such.weights", 4 * 3 * 3 * 3 * 4))
bad("external_escape", [helper.make_node("Conv", ["image", "w"], ["y"])], [init("w", weight(4, 3, 3, 3))],
    tweak=external("../onnx/bad_short.weights", 4 * 3 * 3 * 3 * 4))

# Cases added later, here so that the seeded data of those above stays as it was.
# A filter network with a fixed input size (3 channels in and out), for convoy filter and preview.
save("conv_fixed", [helper.make_node("Conv", ["image", "w", "b"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Sigmoid", ["c"], ["y"])],
     [init("w", weight(3, 3, 3, 3)), init("b", weight(3))], [1, 3, 24, 32], ["y"], 13, input_dims=[1, 3, 24, 32])
# HardSwish spelled out, x * clip(x + 3, 0, 6) / 6, as exporters write it: the division after the
# product or before it, by 6 or as a product with 1/6, operands in either order; Clip's limits as
# inputs (opset 13) and as attributes (opset 9).
three, six, zero, sixth = (init(n, np.array(v, np.float32)) for n, v in [("three", 3), ("six", 6), ("zero", 0), ("sixth", 1 / 6)])
hs = [helper.make_node("Conv", ["image", "w", "b"], ["x"], pads=[1, 1, 1, 1])]
for k, (add, mul, scale) in enumerate([(["x", "three"], ["x", "c1"], ("Div", ["m1", "six"])),
                                       (["three", "x"], ["c2", "x"], ("Mul", ["m2", "sixth"])),
                                       (["x", "three"], None, ("Div", ["c3", "six"])),
                                       (["x", "three"], None, ("Mul", ["sixth", "c4"]))], start=1):
    hs += [helper.make_node("Add", add, [f"a{k}"]), helper.make_node("Clip", [f"a{k}", "zero", "six"], [f"c{k}"])]
    if mul:
        hs += [helper.make_node("Mul", mul, [f"m{k}"]), helper.make_node(scale[0], scale[1], [f"h{k}"])]
    else:
        hs += [helper.make_node(scale[0], scale[1], [f"g{k}"]), helper.make_node("Mul", ["x", f"g{k}"] if k == 3 else [f"g{k}", "x"], [f"h{k}"])]
hs.append(helper.make_node("Concat", ["h1", "h2", "h3", "h4"], ["y"], axis=1))
save("hardswish_spelled", hs, [init("w", weight(4, 3, 3, 3, scale=1.5)), init("b", weight(4)), three, six, zero, sixth], X, ["y"], 13)
save("hardswish_spelled_opset9", [helper.make_node("Conv", ["image", "w"], ["x"], pads=[1, 1, 1, 1]),
                                  helper.make_node("Add", ["x", "three"], ["a"]), helper.make_node("Clip", ["a"], ["c"], min=0.0, max=6.0),
                                  helper.make_node("Mul", ["x", "c"], ["m"]), helper.make_node("Div", ["m", "six"], ["y"])],
     [init("w", weight(4, 3, 3, 3, scale=1.5)), three, six], X, ["y"], 9)
# Dilated max pooling (MaxPool 10 on), floor and ceil mode.
for name, ceil in [("maxpool_dilated", 0), ("maxpool_dilated_ceil", 1)]:
    save(name, [helper.make_node("MaxPool", ["image"], ["y"], kernel_shape=[3, 2], dilations=[2, 3], strides=[2, 1],
                                 pads=[1, 1, 1, 1], ceil_mode=ceil)], [], X, ["y"], 12)
# A branch no output reads (not run; convoy model says so).
save("dead_branch", [helper.make_node("Conv", ["image", "w"], ["y"], pads=[1, 1, 1, 1]),
                     helper.make_node("Sigmoid", ["image"], ["unused"]), helper.make_node("Relu", ["unused"], ["unused2"])],
     [init("w", weight(2, 3, 3, 3))], X, ["y"], 13)
# Known operators used as Convoy cannot run them (MaxPools asked for their indices, a Softmax over
# H), beside an unknown one: all listed in one line.
bad("unsupported_uses", [helper.make_node("Conv", ["image", "w"], ["c"], name="conv"),
                         helper.make_node("MaxPool", ["c"], ["p1", "i1"], kernel_shape=[2, 2], name="pool1"),
                         helper.make_node("MaxPool", ["c"], ["p2", "i2"], kernel_shape=[3, 3], name="pool2"),
                         helper.make_node("Softmax", ["c"], ["s"], axis=2, name="soft"),
                         helper.make_node("Erf", ["c"], ["e"], name="erf"),
                         helper.make_node("Concat", ["p1", "p2", "s", "e"], ["y"], axis=1, name="join")], [init("w", weight(4, 3, 3, 3))])

with open(os.path.join(HERE, "manifest.txt"), "w") as f:
    f.write("\n".join(cases) + "\n")
print(f"{len(cases)} cases written to {HERE}")
