# generated fixtures: do not edit resize/resize.json; regenerate with `python3 Tests/ConvoyNNTests/Fixtures/generate_resize.py`
"""Reference outputs of ONNX `Resize` (opsets 11-19) on 2-D images, for ConvoyNN's Resize2d.

Written from the operator's specification text with numpy only, as interpolation matrices:
`out[n, c] = Ry @ x[n, c] @ Rx.T`, where row `o` of an axis's matrix holds the weights of the
input samples that output index `o` reads. Per axis:

- scale: the given scale, or output length / input length when sizes are given; with scales,
  output length = floor(input length * scale);
- x_original by coordinate_transformation_mode:
    half_pixel            (x + 0.5) / scale - 0.5
    half_pixel_symmetric  offset + (x + 0.5) / scale - 0.5,
                          offset = length_in / 2 * (1 - length_out / (scale * length_in))
    pytorch_half_pixel    length_out > 1 ? (x + 0.5) / scale - 0.5 : 0
    align_corners         length_out > 1 ? x * (length_in - 1) / (length_out - 1) : 0
    asymmetric            x / scale
    tf_half_pixel_for_nn  (x + 0.5) / scale
  computed in float32, as onnxruntime computes it (half_pixel_symmetric adds its float32 offset
  to (x + 0.5) / scale - 0.5 in float64, as onnxruntime does);
- nearest: round by nearest_mode (round_prefer_floor / round_prefer_ceil: to the nearest
  integer, halves down / up; floor; ceil), clamped to the input;
- linear: x_original clamped to [0, length_in - 1], weights 1 - t and t on floor(x) and
  min(floor(x) + 1, length_in - 1).

Output: resize/resize.json with the input (shape and values) and, per case, the attributes,
the output shape and the expected values.
"""
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "resize" / "resize.json"
SEED = 20261201
f32 = np.float32

COORDINATES = ["half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric",
               "tf_half_pixel_for_nn"]
NEAREST = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]
TARGETS = [("scales", [2.0, 3.0]), ("scales", [0.5, 0.6]), ("scales", [1.5, 1.7]), ("scales", [0.75, 2.5]),
           ("sizes", [7, 3]), ("sizes", [1, 1]), ("sizes", [5, 9])]


def x_original(x, scale, length_in, length_out, mode):
    x, scale, length_in, length_out = f32(x), f32(scale), f32(length_in), f32(length_out)
    half = f32(0.5)
    if mode == "half_pixel":
        return (x + half) / scale - half
    if mode == "half_pixel_symmetric":
        adjustment = length_out / (scale * length_in)
        offset = length_in / f32(2) * (f32(1) - adjustment)
        return f32(float(offset) + (float(x) + 0.5) / float(scale) - 0.5)
    if mode == "pytorch_half_pixel":
        return (x + half) / scale - half if length_out > 1 else f32(0)
    if mode == "align_corners":
        return x * (length_in - f32(1)) / (length_out - f32(1)) if length_out > 1 else f32(0)
    if mode == "asymmetric":
        return x / scale
    if mode == "tf_half_pixel_for_nn":
        return (x + half) / scale
    raise ValueError(mode)


def nearest_index(position, mode):
    below = np.floor(position)
    fraction = position - below
    if mode == "round_prefer_floor":
        return int(below if fraction <= 0.5 else below + 1)
    if mode == "round_prefer_ceil":
        return int(below if fraction < 0.5 else below + 1)
    if mode == "floor":
        return int(below)
    if mode == "ceil":
        return int(np.ceil(position))
    raise ValueError(mode)


def axis_matrix(length_in, length_out, scale, mode, coordinates, nearest_mode):
    matrix = np.zeros((length_out, length_in))
    for o in range(length_out):
        position = x_original(o, scale, length_in, length_out, coordinates)
        if mode == "nearest":
            matrix[o, min(max(nearest_index(position, nearest_mode), 0), length_in - 1)] = 1
        else:
            clamped = min(max(float(position), 0.0), float(length_in - 1))
            first = int(np.floor(clamped))
            second = min(first + 1, length_in - 1)
            t = clamped - first
            matrix[o, first] += 1 - t
            matrix[o, second] += t
    return matrix


def resize(x, mode, coordinates, nearest_mode, target):
    kind, values = target
    n, c, h, w = x.shape
    if kind == "scales":
        sy, sx = f32(values[0]), f32(values[1])
        oh, ow = int(np.floor(f32(h) * sy)), int(np.floor(f32(w) * sx))
    else:
        oh, ow = values
        sy, sx = f32(oh) / f32(h), f32(ow) / f32(w)
    ry = axis_matrix(h, oh, sy, mode, coordinates, nearest_mode)
    rx = axis_matrix(w, ow, sx, mode, coordinates, nearest_mode)
    return np.einsum("oy,ncyx,px->ncop", ry, x.astype(np.float64), rx)


def main():
    rng = np.random.default_rng(SEED)
    x = rng.uniform(-1, 1, size=(1, 2, 4, 5)).astype(np.float32)
    cases = []
    for coordinates in COORDINATES:
        for mode, nearest_modes in [("nearest", NEAREST), ("linear", ["round_prefer_floor"])]:
            for nearest_mode in nearest_modes:
                for target in TARGETS:
                    out = resize(x, mode, coordinates, nearest_mode, target)
                    cases.append({
                        "mode": mode, "coordinate_transformation_mode": coordinates, "nearest_mode": nearest_mode,
                        "target": target[0], "values": target[1], "output_shape": list(out.shape),
                        "output": [float(f"{v:.9g}") for v in out.astype(np.float32).ravel()],
                    })
    OUT.parent.mkdir(exist_ok=True)
    document = {
        "generated": "do not edit; regenerate with `python3 Tests/ConvoyNNTests/Fixtures/generate_resize.py`",
        "input_shape": list(x.shape), "input": [float(f"{v:.9g}") for v in x.ravel()], "cases": cases,
    }
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
