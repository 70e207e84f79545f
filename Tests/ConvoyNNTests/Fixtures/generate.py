# generated fixtures: do not edit the outputs; regenerate with `python3 Tests/ConvoyNNTests/Fixtures/generate.py`
"""Golden fixtures for the ConvoyNN layers and graph, computed with numpy only.

Every layer is implemented here again, independently of the Swift code, from PyTorch's documented
semantics (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.BatchNorm2d in eval mode, nn.Upsample,
nn.PixelShuffle, nn.Softmax(dim=1), torchvision Normalize, ...), in float64, with seeded random
weights and inputs. Outputs go to Tests/ConvoyNNTests/Fixtures/data/:

- manifest.json: every case (layer type, parameters in PyTorch's names, tensor files and shapes)
  and the two-head network (nodes, weights by state-dict key, expected outputs);
- *.bin: raw little-endian float32 tensors, row-major (NCHW activations, OIHW conv weights);
- twohead.safetensors (F32), twohead_f16.safetensors (F16), twohead_bf16.safetensors (BF16):
  the network's weights as a PyTorch state dict would be saved.

The data directory is emptied first, so the outputs are exactly what this script writes.
"""
import json
import math
import struct
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SEED = 20261125
REGENERATE = "python3 Tests/ConvoyNNTests/Fixtures/generate.py"

rng = np.random.default_rng(SEED)


# --- reference implementations (float64, from PyTorch's documentation) -------------------------

def conv2d(x, weight, bias, stride, padding, dilation, groups, padding_mode="zeros"):
    """nn.Conv2d: cross-correlation, out = floor((in + 2p - d(k-1) - 1) / s) + 1 per axis."""
    n, c, h, w = x.shape
    o, cg, kh, kw = weight.shape
    assert c == cg * groups and o % groups == 0
    (sy, sx), (py, px), (dy, dx) = stride, padding, dilation
    mode = {"zeros": "constant", "replicate": "edge", "reflect": "reflect"}[padding_mode]
    xp = np.pad(x, ((0, 0), (0, 0), (py, py), (px, px)), mode=mode)
    oh = (h + 2 * py - dy * (kh - 1) - 1) // sy + 1
    ow = (w + 2 * px - dx * (kw - 1) - 1) // sx + 1
    out = np.zeros((n, o, oh, ow))
    per_group = o // groups
    for oc in range(o):
        group = oc // per_group
        for ci in range(cg):
            channel = group * cg + ci
            for i in range(kh):
                for j in range(kw):
                    rows = slice(i * dy, i * dy + sy * (oh - 1) + 1, sy)
                    cols = slice(j * dx, j * dx + sx * (ow - 1) + 1, sx)
                    out[:, oc] += weight[oc, ci, i, j] * xp[:, channel, rows, cols]
    if bias is not None:
        out += bias[None, :, None, None]
    return out


def pool_output_size(size, kernel, stride, padding, ceil_mode):
    """PyTorch's pooling size: floor (or ceil) of (in + 2p - k) / s, plus 1; in ceil mode the last
    window must start inside the input or its left padding, else it is dropped."""
    if ceil_mode:
        out = math.ceil((size + 2 * padding - kernel) / stride) + 1
        if (out - 1) * stride >= size + padding:
            out -= 1
    else:
        out = (size + 2 * padding - kernel) // stride + 1
    return out


def pool_windows(size, kernel, stride, padding, ceil_mode):
    """For each output index, the window [start, end) in padded coordinates (0 = first padding
    sample), cut at the end of the padded input (the ceil-mode overhang is not part of it)."""
    out = pool_output_size(size, kernel, stride, padding, ceil_mode)
    return [(o * stride, min(o * stride + kernel, size + 2 * padding)) for o in range(out)]


def max_pool2d(x, kernel, stride, padding, ceil_mode):
    """nn.MaxPool2d: max over each window; padding is -inf so it never wins."""
    (ky, kx), (sy, sx), (py, px) = kernel, stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (py, py), (px, px)), constant_values=-np.inf)
    rows = pool_windows(x.shape[2], ky, sy, py, ceil_mode)
    cols = pool_windows(x.shape[3], kx, sx, px, ceil_mode)
    out = np.empty(x.shape[:2] + (len(rows), len(cols)))
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[:, :, i, j] = xp[:, :, r0:r1, c0:c1].max(axis=(2, 3))
    return out


def avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override=None):
    """nn.AvgPool2d: window sum over the zero-padded input divided by the window's size counting
    the zero padding (count_include_pad) or only the real samples; the ceil-mode overhang past the
    padding never counts; divisor_override replaces both."""
    (ky, kx), (sy, sx), (py, px) = kernel, stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (py, py), (px, px)))
    real = np.pad(np.ones(x.shape[2:]), ((py, py), (px, px)))
    rows = pool_windows(x.shape[2], ky, sy, py, ceil_mode)
    cols = pool_windows(x.shape[3], kx, sx, px, ceil_mode)
    out = np.empty(x.shape[:2] + (len(rows), len(cols)))
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            if divisor_override is not None:
                divisor = divisor_override
            elif count_include_pad:
                divisor = (r1 - r0) * (c1 - c0)
            else:
                divisor = real[r0:r1, c0:c1].sum()
            out[:, :, i, j] = xp[:, :, r0:r1, c0:c1].sum(axis=(2, 3)) / divisor
    return out


def batch_norm(x, weight, bias, mean, var, eps):
    """nn.BatchNorm2d in eval mode: (x - running_mean) / sqrt(running_var + eps) * weight + bias."""
    shape = (1, -1, 1, 1)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * weight.reshape(shape) + bias.reshape(shape)


def interpolation_matrix(size, scale, align_corners):
    """Rows of linear-interpolation weights, [size * scale, size], for nn.Upsample(mode='bilinear')
    along one axis: source position (o + 0.5) / scale - 0.5 clamped at 0 (half-pixel centres), or
    o * (size - 1) / (out - 1) with align_corners; the right neighbour is clamped to the edge."""
    out = size * scale
    matrix = np.zeros((out, size))
    for o in range(out):
        if align_corners:
            source = o * (size - 1) / (out - 1) if out > 1 else 0.0
        else:
            source = max((o + 0.5) / scale - 0.5, 0.0)
        left = min(int(math.floor(source)), size - 1)
        right = min(left + 1, size - 1)
        fraction = source - left
        matrix[o, left] += 1 - fraction
        matrix[o, right] += fraction
    return matrix


def upsample(x, scale, mode, align_corners):
    sy, sx = scale
    if mode == "nearest":
        # nearest: output index o reads input index floor(o / scale).
        return np.repeat(np.repeat(x, sy, axis=2), sx, axis=3)
    rows = interpolation_matrix(x.shape[2], sy, align_corners)
    cols = interpolation_matrix(x.shape[3], sx, align_corners)
    return np.einsum("yh,nchw,xw->ncyx", rows, x, cols)


def pixel_shuffle(x, r):
    """nn.PixelShuffle: [N, C*r*r, H, W] -> [N, C, H*r, W*r] (the documented view/permute)."""
    n, c, h, w = x.shape
    return x.reshape(n, c // (r * r), r, r, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c // (r * r), h * r, w * r)


def channel_softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def normalize(x, mean, std, scale):
    mean = np.broadcast_to(np.asarray(mean, dtype=np.float64), (x.shape[1],))
    std = np.broadcast_to(np.asarray(std, dtype=np.float64), (x.shape[1],))
    return (x * scale - mean[None, :, None, None]) / std[None, :, None, None]


def prelu(x, weight):
    slope = np.broadcast_to(weight, (x.shape[1],))[None, :, None, None]
    return np.where(x >= 0, x, slope * x)


def leaky_relu(x, negative_slope):
    return np.where(x >= 0, x, negative_slope * x)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# --- output -----------------------------------------------------------------------------------

class Fixtures:
    def __init__(self):
        self.cases = []
        self.total = 0

    def tensor(self, name, array):
        """Writes `array` as little-endian float32 to `<name>.bin`; returns its manifest entry."""
        data = np.ascontiguousarray(array, dtype="<f4")
        path = DATA / f"{name}.bin"
        path.write_bytes(data.tobytes())
        self.total += path.stat().st_size
        return {"file": path.name, "shape": list(data.shape)}

    def case(self, name, layer_type, params, inputs, output, tensors=None):
        assert all(case["name"] != name for case in self.cases), name
        entry = {"name": name, "type": layer_type, "params": params}
        if tensors:
            entry["tensors"] = {key: self.tensor(f"{name}.{key}", value) for key, value in tensors.items()}
        entry["inputs"] = [self.tensor(f"{name}.input{i}", x) for i, x in enumerate(inputs)]
        entry["output"] = self.tensor(f"{name}.output", output)
        self.cases.append(entry)


def uniform(*shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, size=shape).astype(np.float32)


def f64(array):
    return np.asarray(array, dtype=np.float64)


def activation_cases(fx):
    x = uniform(2, 3, 5, 7)
    fx.case("relu", "ReLU", {}, [x], np.maximum(f64(x), 0))
    for slope in (0.01, 0.2):
        fx.case(f"leaky_relu_{slope}", "LeakyReLU", {"negative_slope": slope}, [x], leaky_relu(f64(x), slope))
    for name, factor in (("sigmoid", 6.0), ("sigmoid_saturated", 60.0)):
        xs = (x * factor).astype(np.float32)
        fx.case(name, "Sigmoid", {}, [xs], sigmoid(f64(xs)))
    xt = (x * 3).astype(np.float32)
    fx.case("tanh", "Tanh", {}, [xt], np.tanh(f64(xt)))

    xp = uniform(2, 4, 5, 6)
    per_channel = uniform(4, low=-0.5, high=0.5)
    fx.case("prelu_per_channel", "PReLU", {"num_parameters": 4}, [xp], prelu(f64(xp), f64(per_channel)),
            tensors={"weight": per_channel})
    shared = np.array([0.25], dtype=np.float32)
    fx.case("prelu_shared", "PReLU", {"num_parameters": 1}, [xp], prelu(f64(xp), f64(shared)), tensors={"weight": shared})


POOLS = [
    # name, input [H, W], kernel, stride, padding, ceil_mode
    ("k2_s2", (7, 9), (2, 2), (2, 2), (0, 0), False),
    ("k2_s2_ceil", (7, 9), (2, 2), (2, 2), (0, 0), True),            # overhang: 4x5 instead of 3x4
    ("k3_s2_p1", (8, 10), (3, 3), (2, 2), (1, 1), False),
    ("k3_s2_p1_ceil", (8, 10), (3, 3), (2, 2), (1, 1), True),        # 5x6 instead of 4x5
    ("k2x3_s4_p1_ceil", (5, 6), (2, 3), (4, 4), (1, 1), True),       # last window would start in the padding: dropped
    ("k3x2_s2x1_p1x0_ceil", (7, 6), (3, 2), (2, 1), (1, 0), True),
    ("k3_s1_p1", (5, 6), (3, 3), (1, 1), (1, 1), False),
    ("k4x2_s3x2_p2x1_ceil", (9, 7), (4, 2), (3, 2), (2, 1), True),
]


def pool_cases(fx):
    for name, (h, w), kernel, stride, padding, ceil_mode in POOLS:
        x = uniform(2, 3, h, w)
        params = {"kernel_size": list(kernel), "stride": list(stride), "padding": list(padding), "ceil_mode": ceil_mode}
        fx.case(f"maxpool_{name}", "MaxPool2d", params, [x], max_pool2d(f64(x), kernel, stride, padding, ceil_mode))
        for include in (True, False):
            avg = dict(params, count_include_pad=include, divisor_override=None)
            suffix = "include_pad" if include else "exclude_pad"
            fx.case(f"avgpool_{name}_{suffix}", "AvgPool2d", avg, [x],
                    avg_pool2d(f64(x), kernel, stride, padding, ceil_mode, include))
    x = uniform(1, 2, 7, 8)
    params = {"kernel_size": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True,
              "count_include_pad": True, "divisor_override": 5}
    fx.case("avgpool_divisor_override", "AvgPool2d", params, [x], avg_pool2d(f64(x), (3, 3), (2, 2), (1, 1), True, True, 5))
    x = uniform(2, 5, 6, 7)
    fx.case("global_avgpool", "GlobalAvgPool2d", {}, [x], f64(x).mean(axis=(2, 3), keepdims=True))


def batch_norm_parameters(channels):
    return {
        "weight": uniform(channels, low=0.5, high=1.5),
        "bias": uniform(channels, low=-0.5, high=0.5),
        "running_mean": uniform(channels, low=-0.5, high=0.5),
        "running_var": uniform(channels, low=0.2, high=2.0),
    }


def batch_norm_of(x, p, eps):
    return batch_norm(x, f64(p["weight"]), f64(p["bias"]), f64(p["running_mean"]), f64(p["running_var"]), eps)


def normalization_cases(fx):
    x = uniform(2, 4, 5, 6, low=-2, high=2)
    for name, eps in (("batchnorm", 1e-5), ("batchnorm_eps1e-3", 1e-3)):
        p = batch_norm_parameters(4)
        fx.case(name, "BatchNorm2d", {"num_features": 4, "eps": eps}, [x], batch_norm_of(f64(x), p, eps), tensors=p)

    for name, bias in (("conv_bn_fold", True), ("conv_bn_fold_no_bias", False)):
        x = uniform(2, 3, 6, 7)
        weight = uniform(5, 3, 3, 3, low=-0.5, high=0.5)
        conv_bias = uniform(5, low=-0.5, high=0.5) if bias else None
        p = batch_norm_parameters(5)
        conv = {"in_channels": 3, "out_channels": 5, "kernel_size": [3, 3], "stride": [1, 1], "padding": [1, 1],
                "dilation": [1, 1], "groups": 1, "bias": bias, "padding_mode": "zeros"}
        tensors = {"conv.weight": weight}
        if bias:
            tensors["conv.bias"] = conv_bias
        tensors.update({f"bn.{key}": value for key, value in p.items()})
        y = conv2d(f64(x), f64(weight), None if conv_bias is None else f64(conv_bias), (1, 1), (1, 1), (1, 1), 1)
        fx.case(name, "Conv2d+BatchNorm2d", {"conv": conv, "bn": {"num_features": 5, "eps": 1e-5}}, [x],
                batch_norm_of(y, p, 1e-5), tensors=tensors)

    x = uniform(2, 3, 4, 5, low=0, high=255)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    fx.case("normalize_imagenet", "Normalize", {"mean": mean, "std": std, "scale": 1 / 255}, [x],
            normalize(f64(x), mean, std, 1 / 255))
    x = uniform(1, 5, 3, 4)
    fx.case("normalize_shared", "Normalize", {"mean": [0.5], "std": [0.25], "scale": 1.0}, [x], normalize(f64(x), [0.5], [0.25], 1.0))

    x = uniform(2, 5, 4, 6, low=-3, high=3)
    fx.case("channel_softmax", "ChannelSoftmax", {"dim": 1}, [x], channel_softmax(f64(x)))
    x = uniform(1, 6, 3, 5, low=-100, high=100)
    fx.case("channel_softmax_large", "ChannelSoftmax", {"dim": 1}, [x], channel_softmax(f64(x)))


CONVS = [
    # name, in, out, kernel, stride, padding, dilation, groups, bias, padding_mode
    ("conv_3x3_p1", 4, 6, (3, 3), (1, 1), (1, 1), (1, 1), 1, True, "zeros"),
    ("conv_3x3_unpadded", 4, 6, (3, 3), (1, 1), (0, 0), (1, 1), 1, True, "zeros"),
    ("conv_3x3_s2_p1x2", 4, 6, (3, 3), (2, 2), (1, 2), (1, 1), 1, True, "zeros"),
    ("conv_3x2_d2x3_p2x1_nobias", 4, 6, (3, 2), (1, 1), (2, 1), (2, 3), 1, False, "zeros"),
    ("conv_groups2", 4, 6, (3, 3), (1, 1), (1, 1), (1, 1), 2, True, "zeros"),
    ("conv_depthwise_s2x1", 4, 8, (3, 3), (2, 1), (1, 1), (1, 1), 4, True, "zeros"),
    ("conv_1x1", 4, 3, (1, 1), (1, 1), (0, 0), (1, 1), 1, True, "zeros"),
    ("conv_5x5_s3_p2_d1", 4, 2, (5, 5), (3, 3), (2, 2), (1, 1), 1, True, "zeros"),
    ("conv_3x3_replicate", 4, 3, (3, 3), (1, 1), (1, 1), (1, 1), 1, True, "replicate"),
    ("conv_3x3_reflect", 4, 3, (3, 3), (1, 1), (1, 1), (1, 1), 1, True, "reflect"),
]


def conv_cases(fx):
    for name, cin, cout, kernel, stride, padding, dilation, groups, bias, mode in CONVS:
        x = uniform(2, cin, 9, 11)
        weight = uniform(cout, cin // groups, *kernel, low=-0.5, high=0.5)
        b = uniform(cout, low=-0.5, high=0.5) if bias else None
        params = {"in_channels": cin, "out_channels": cout, "kernel_size": list(kernel), "stride": list(stride),
                  "padding": list(padding), "dilation": list(dilation), "groups": groups, "bias": bias,
                  "padding_mode": mode}
        tensors = {"weight": weight}
        if bias:
            tensors["bias"] = b
        y = conv2d(f64(x), f64(weight), None if b is None else f64(b), stride, padding, dilation, groups, mode)
        fx.case(name, "Conv2d", params, [x], y, tensors=tensors)


def resampling_cases(fx):
    x = uniform(1, 2, 4, 5)
    for scale in ((2, 2), (3, 2)):
        fx.case(f"upsample_nearest_{scale[0]}x{scale[1]}", "Upsample",
                {"scale_factor": list(scale), "mode": "nearest", "align_corners": None}, [x],
                upsample(f64(x), scale, "nearest", False))
    for align in (False, True):
        for scale in ((2, 2), (3, 3), (2, 3)):
            fx.case(f"upsample_bilinear_{scale[0]}x{scale[1]}_align_{str(align).lower()}", "Upsample",
                    {"scale_factor": list(scale), "mode": "bilinear", "align_corners": align}, [x],
                    upsample(f64(x), scale, "bilinear", align))
    x = uniform(2, 8, 3, 4)
    fx.case("pixel_shuffle_2", "PixelShuffle", {"upscale_factor": 2}, [x], pixel_shuffle(f64(x), 2))
    x = uniform(1, 18, 2, 3)
    fx.case("pixel_shuffle_3", "PixelShuffle", {"upscale_factor": 3}, [x], pixel_shuffle(f64(x), 3))


def merge_cases(fx):
    a, b, c = uniform(2, 2, 4, 5), uniform(2, 3, 4, 5), uniform(2, 1, 4, 5)
    fx.case("concat_2", "Concat", {"dim": 1}, [a, b], np.concatenate([f64(a), f64(b)], axis=1))
    fx.case("concat_3", "Concat", {"dim": 1}, [a, b, c], np.concatenate([f64(a), f64(b), f64(c)], axis=1))
    d, e, f = uniform(2, 3, 4, 5), uniform(2, 3, 4, 5), uniform(2, 3, 4, 5)
    fx.case("add_2", "Add", {}, [d, e], f64(d) + f64(e))
    fx.case("add_3", "Add", {}, [d, e, f], f64(d) + f64(e) + f64(f))


# --- the two-head network ---------------------------------------------------------------------

def conv_params(cin, cout, kernel, padding):
    return {"in_channels": cin, "out_channels": cout, "kernel_size": [kernel, kernel], "stride": [1, 1],
            "padding": [padding, padding], "dilation": [1, 1], "groups": 1, "bias": True, "padding_mode": "zeros"}


TWOHEAD_NODES = [
    # name, type, params, inputs, weights (parameter -> state-dict key)
    ("trunk.conv1", "Conv2d", conv_params(3, 8, 3, 1), ["input"], ["weight", "bias"]),
    ("trunk.bn1", "BatchNorm2d", {"num_features": 8, "eps": 1e-5}, ["trunk.conv1"],
     ["weight", "bias", "running_mean", "running_var"]),
    ("trunk.relu1", "ReLU", {}, ["trunk.bn1"], []),
    ("trunk.pool", "MaxPool2d", {"kernel_size": [2, 2], "stride": [2, 2], "padding": [0, 0], "ceil_mode": False},
     ["trunk.relu1"], []),
    ("trunk.conv2", "Conv2d", conv_params(8, 8, 3, 1), ["trunk.pool"], ["weight", "bias"]),
    ("trunk.relu2", "ReLU", {}, ["trunk.conv2"], []),
    ("trunk.add", "Add", {}, ["trunk.relu2", "trunk.pool"], []),
    ("headA.conv", "Conv2d", conv_params(8, 1, 1, 0), ["trunk.add"], ["weight", "bias"]),
    ("headA.sigmoid", "Sigmoid", {}, ["headA.conv"], []),
    ("headB.concat", "Concat", {"dim": 1}, ["trunk.add", "trunk.relu2"], []),
    ("headB.conv", "Conv2d", conv_params(16, 4, 1, 0), ["headB.concat"], ["weight", "bias"]),
]
TWOHEAD_OUTPUTS = ["headA.sigmoid", "headB.conv"]


def twohead_weights():
    weights = {}
    for name, kind, params, _, _ in TWOHEAD_NODES:
        if kind == "Conv2d":
            cin, cout, k = params["in_channels"], params["out_channels"], params["kernel_size"][0]
            bound = 1 / math.sqrt(cin * k * k)  # PyTorch's default (Kaiming-uniform) bound
            weights[f"{name}.weight"] = uniform(cout, cin, k, k, low=-bound, high=bound)
            weights[f"{name}.bias"] = uniform(cout, low=-bound, high=bound)
        elif kind == "BatchNorm2d":
            for key, value in batch_norm_parameters(params["num_features"]).items():
                weights[f"{name}.{key}"] = value
    return weights


def run_twohead(x, weights):
    """Runs TWOHEAD_NODES in float64 with the given weights; returns every node's output."""
    values = {"input": f64(x)}
    for name, kind, params, inputs, _ in TWOHEAD_NODES:
        args = [values[i] for i in inputs]
        w = {key[len(name) + 1:]: f64(value) for key, value in weights.items() if key.startswith(name + ".")}
        if kind == "Conv2d":
            y = conv2d(args[0], w["weight"], w["bias"], params["stride"], params["padding"], params["dilation"],
                       params["groups"])
        elif kind == "BatchNorm2d":
            y = batch_norm(args[0], w["weight"], w["bias"], w["running_mean"], w["running_var"], params["eps"])
        elif kind == "ReLU":
            y = np.maximum(args[0], 0)
        elif kind == "MaxPool2d":
            y = max_pool2d(args[0], params["kernel_size"], params["stride"], params["padding"], params["ceil_mode"])
        elif kind == "Sigmoid":
            y = sigmoid(args[0])
        elif kind == "Add":
            y = sum(args[1:], args[0])
        elif kind == "Concat":
            y = np.concatenate(args, axis=1)
        else:
            raise ValueError(kind)
        values[name] = y
    return values


def to_bf16_bits(array):
    """float32 -> bfloat16 bit patterns: the top 16 bits, rounded to nearest, ties to even."""
    bits = np.ascontiguousarray(array, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2")


def from_bf16_bits(bits):
    return (bits.astype("<u4") << 16).view("<f4")


def write_safetensors(path, tensors, metadata):
    """The safetensors layout: u64 little-endian header length, JSON header
    {name: {dtype, shape, data_offsets: [begin, end]}} (+ "__metadata__") padded with spaces to a
    multiple of 8, then the tensors' bytes (offsets relative to the end of the header)."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    return path.stat().st_size


def twohead(fx):
    weights = twohead_weights()
    x = uniform(2, 3, 12, 16)
    # A PyTorch state dict also holds BatchNorm's num_batches_tracked (int64, shape []); loaders
    # skip it, so the safetensors files carry it as real exports do.
    extra = {"trunk.bn1.num_batches_tracked": ("I64", (), struct.pack("<q", 1000))}
    dequantized = {
        "F32": weights,
        "F16": {key: value.astype("<f2").astype(np.float32) for key, value in weights.items()},
        "BF16": {key: from_bf16_bits(to_bf16_bits(value)).reshape(value.shape) for key, value in weights.items()},
    }
    encoded = {
        "F32": lambda v: np.ascontiguousarray(v, dtype="<f4").tobytes(),
        "F16": lambda v: np.ascontiguousarray(v.astype("<f2")).tobytes(),
        "BF16": lambda v: to_bf16_bits(v).tobytes(),
    }
    files = {"F32": "twohead.safetensors", "F16": "twohead_f16.safetensors", "BF16": "twohead_bf16.safetensors"}
    for dtype, file in files.items():
        tensors = {key: (dtype, value.shape, encoded[dtype](value)) for key, value in sorted(weights.items())}
        tensors.update(extra)
        metadata = {"format": "pt", "generator": REGENERATE}
        fx.total += write_safetensors(DATA / file, tensors, metadata)

    expected = {}
    for dtype, values in dequantized.items():
        outputs = run_twohead(x, values)
        suffix = "" if dtype == "F32" else f"_{dtype.lower()}"
        expected[dtype] = {name: fx.tensor(f"twohead.{name}{suffix}", outputs[name]) for name in TWOHEAD_OUTPUTS}
    nodes = [{"name": name, "type": kind, "params": params, "inputs": inputs,
              "weights": {key: f"{name}.{key}" for key in keys}}
             for name, kind, params, inputs, keys in TWOHEAD_NODES]
    return {
        "name": "twohead",
        "input": fx.tensor("twohead.input", x),
        "nodes": nodes,
        "outputs": TWOHEAD_OUTPUTS,
        "weights": {key: fx.tensor(f"twohead.{key}", value) for key, value in sorted(weights.items())},
        "safetensors": files,
        "safetensors_extra_keys": sorted(extra),
        "expected": expected,
    }


def main():
    DATA.mkdir(exist_ok=True)
    for path in DATA.iterdir():
        path.unlink()
    fx = Fixtures()
    activation_cases(fx)
    pool_cases(fx)
    normalization_cases(fx)
    conv_cases(fx)
    resampling_cases(fx)
    merge_cases(fx)
    network = twohead(fx)
    manifest = {
        "comment": f"generated fixtures: do not edit; regenerate with `{REGENERATE}`",
        "format_version": 1,
        "seed": SEED,
        "tensor_encoding": "raw little-endian float32, row-major; NCHW activations, OIHW conv weights",
        "tolerance": "max |got - expected| <= 1e-4 * max(1, max |expected|)",
        "cases": fx.cases,
        "networks": [network],
    }
    text = json.dumps(manifest, indent=1) + "\n"
    (DATA / "manifest.json").write_text(text)
    fx.total += len(text)
    assert fx.total < 1_500_000, f"fixtures too large: {fx.total} bytes"
    print(f"{len(fx.cases)} cases and 1 network, {len(list(DATA.iterdir()))} files, {fx.total} bytes in {DATA}")


if __name__ == "__main__":
    main()
