#!/bin/sh
# Trains Samples/Models/denoise.safetensors with Convoy: makes a clean clip from ffmpeg's
# generators (test pattern, Mandelbrot, gradients, Sierpinski in a 2×2 grid), a noisy copy of it
# (ffmpeg's noise filter, strength 25, new noise every frame), both lossless, then runs convoy
# train. Usage: Samples/Models/train_denoise.sh [CONVOY] (default .build/release/convoy).
set -eu
convoy=${1:-.build/release/convoy}
work=out/train-denoise
mkdir -p "$work"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i testsrc2=size=160x120:rate=12 -f lavfi -i mandelbrot=size=160x120:rate=12 \
  -f lavfi -i gradients=size=160x120:rate=12:speed=0.05 -f lavfi -i sierpinski=size=160x120:rate=12 \
  -filter_complex "[0][1][2][3]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0" \
  -frames:v 96 -c:v ffv1 -pix_fmt yuv444p "$work/clean.mkv"
ffmpeg -hide_banner -loglevel error -y -i "$work/clean.mkv" -vf noise=alls=25:allf=t \
  -c:v ffv1 -pix_fmt yuv444p "$work/noisy.mkv"
"$convoy" train Samples/Models/denoise.yaml --input "$work/noisy.mkv" --target "$work/clean.mkv" \
  -o Samples/Models/denoise.safetensors -y --steps 3000 --batch 16 --crop 48 --lr 0.002 \
  --schedule cosine --validation 0.1 --validate-every 500 --seed 1
