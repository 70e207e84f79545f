#!/usr/bin/env bash
# Makes the fuzzers' seed corpora in Fuzz/Corpus (committed; small): copies of the project's
# own model, pipeline and ONNX fixtures, kernel and --raw specs from the docs, safetensors files
# written by Python's struct/json, and tiny y4m clips from ffmpeg's generators.
# Generated, do not edit; regenerate with Fuzz/make_seeds.sh (needs ffmpeg and python3).
set -euo pipefail
cd "$(dirname "$0")/.."
C=Fuzz/Corpus
rm -rf "$C" && mkdir -p "$C"/{FuzzSafeTensors,FuzzModelYAML,FuzzPipelineYAML,FuzzKernelSpec,FuzzRawSpec,FuzzY4M,FuzzNpy,FuzzONNX}

python3 - "$C/FuzzSafeTensors" <<'PY'
import json, struct, sys, os
out = sys.argv[1]
def write(name, tensors, metadata=None, pad=0):
    header, data = {}, b""
    if metadata is not None: header["__metadata__"] = metadata
    for key, (dtype, shape, raw) in tensors.items():
        header[key] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode() + b" " * pad
    open(os.path.join(out, name), "wb").write(struct.pack("<Q", len(text)) + text + data)
f32 = lambda *v: struct.pack("<%df" % len(v), *v)
write("conv.safetensors", {"conv.weight": ("F32", [1, 1, 3, 3], f32(*range(9))), "conv.bias": ("F32", [1], f32(0.5))}, {"format": "pt"})
write("dtypes.safetensors", {"a": ("F16", [2], b"\x00\x3c\x00\xc0"), "b": ("BF16", [2], b"\x80\x3f\x00\x40"),
                             "c": ("F64", [1], struct.pack("<d", 1.5)), "d": ("I64", [], struct.pack("<q", 7)),
                             "e": ("BOOL", [3], b"\x00\x01\x02"), "f": ("U8", [2, 1], b"\x01\xff"), "g": ("F8_E4M3", [1], b"\x38")}, pad=5)
write("empty.safetensors", {})
write("scalar.safetensors", {"s": ("I32", [], struct.pack("<i", -3)), "z": ("F32", [0, 4], b"")})
PY

cp Tests/ConvoyWeightsTests/Fixtures/twohead.yaml Samples/Models/*.yaml "$C/FuzzModelYAML/"
cat > "$C/FuzzModelYAML/zoo.yaml" <<'YAML'
input: {channels: 3, scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]}
layers:
  - {name: conv1, type: conv2d, in: 3, out: 4, kernel: 3, stride: 1, padding: same, dilation: 1, groups: 1, bias: true, padding_mode: reflect}
  - {name: bn1, type: batchnorm, channels: 4, eps: 1.0e-5}
  - {name: act1, type: leaky_relu, negative_slope: 0.1}
  - {name: p, type: prelu, channels: 4}
  - {name: pool1, type: maxpool, kernel: 2, stride: 2, padding: 0, ceil_mode: true}
  - {name: avg, type: avgpool, input: p, kernel: [3, 2], stride: 1, padding: 1, count_include_pad: false}
  - {name: up, type: upsample, input: pool1, scale: 2, mode: bilinear, align_corners: true}
  - {name: shuffle, type: pixel_shuffle, input: pool1, factor: 2}
  - {name: merged, type: concat, inputs: [up, shuffle]}
  - {name: sum, type: add, inputs: [up, up]}
  - {name: s, type: softmax, input: merged}
  - {name: g, type: global_avgpool, input: s}
  - {name: t, type: tanh, input: sum}
  - {name: sg, type: sigmoid, input: t}
  - {name: r, type: relu, input: sg}
outputs: [g, r, avg]
YAML
cp Pipelines/*.yaml "$C/FuzzPipelineYAML/"

i=0
for spec in sobel "box:size=5" "gaussian:sigma=1.5,size=5" "sobel-x:scale=0.5,bias=0.5" "[1 2 1; 2 4 2; 1 2 1]/16" \
            "[-1, 0, 1]" "[0 -1 0; -1 5 -1; 0 -1 0]:bias=0.5" "emboss" "laplacian:scale=2" "prewitt_y" "sharpen" "identity" \
            "[.5 1e-3 -0.25]/0" "  Gaussian : sigma = 3 "; do
  printf '%s' "$spec" > "$C/FuzzKernelSpec/spec$((i++))"
done
i=0
for spec in "1920x1080:rgb24@30" "640x360:yuv420p@29.97" "2x2:gray16le@30000/1001" "16x8:nv12" "4X4:rgba@1000" \
            "3x5:yuv422p10le@25/1" "16384x16384:rgba64le" "1x1:pal8" "8x8:bayer_rggb8@24" "7x3:yuv411p"; do
  printf '%s' "$spec" > "$C/FuzzRawSpec/spec$((i++))"
done

for fmt in yuv420p yuv422p yuv444p gray yuv420p10le gray16le yuva444p yuvj420p yuv411p; do
  ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=6x4:rate=25:duration=0.08 -pix_fmt $fmt \
    -strict -1 -f yuv4mpegpipe "$C/FuzzY4M/$fmt.y4m"
done
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=4x4:rate=30000/1001:duration=0.1 -vf setfield=tff,setsar=4/3 \
  -pix_fmt yuv420p -f yuv4mpegpipe "$C/FuzzY4M/interlaced.y4m"

printf '\x01\x03\x01' > "$C/FuzzNpy/vector"
printf '\x03\x02\x03\x04\x02abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz' > "$C/FuzzNpy/frames"
printf '\x08\xff\x7f\xff\xff\xff\xff\x7f\xff\xff\xff\x01\x01\x01\x01\x01\x01' > "$C/FuzzNpy/wide"
printf '\x00\x03' > "$C/FuzzNpy/scalars"

for model in activations arithmetic avgpool_include_pad batchnorm_alone clip_opset11 conv_bn_relu conv_groups_dilation \
             conv_transpose depth_to_space_crd flatten_output global_pools lrn maxpool_ceil_pads pad_alone \
             pixel_shuffle_reshape rearrange resize_fractional resize_opset11_nearest softmax_opset13 cyclic; do
  cp Tests/ConvoyWeightsTests/Fixtures/onnx/$model.onnx "$C/FuzzONNX/"
done
du -sh "$C"
