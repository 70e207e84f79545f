#!/usr/bin/env bash
# Regenerates onnx-subset.pb.swift from onnx-subset.proto (both beside this script). Needs protoc
# (Debian: apt-get install -y protobuf-compiler) and swift-protobuf's protoc-gen-swift at the
# version Package.swift names (1.39.0), built once, e.g.:
#   git clone https://github.com/apple/swift-protobuf /tmp/swift-protobuf
#   git -C /tmp/swift-protobuf checkout 1.39.0
#   (cd /tmp/swift-protobuf && swift build -c release --product protoc-gen-swift)
# then: PROTOC_GEN_SWIFT=/tmp/swift-protobuf/.build/release/protoc-gen-swift generate-proto.sh
# CI never runs this: the generated file is committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift)}"
protoc --plugin=protoc-gen-swift="$plugin" --proto_path="$here" --swift_out="$here" \
  --swift_opt=Visibility=Internal --swift_opt=FileNaming=DropPath onnx-subset.proto
