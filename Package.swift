// swift-tools-version:6.0
import PackageDescription

// Convoy: video filtering with convolutions computed as deep-learning frameworks compute them.
// Module arrows point one way: CLI -> (Features, Training) -> Pipeline -> (Media, Weights, Filters) -> NN
// -> Tensor -> (CDNNL, CConvoyCPU); only Media sees FFmpeg. Every target lists each module it imports.
// Every target builds in Swift 6 language mode, with complete concurrency checking (see
// docs/ARCHITECTURE.md, "Concurrency checking").

let package = Package(
    name: "Convoy",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Convoy", targets: ["ConvoyFeatures", "ConvoyTraining", "ConvoyPipeline", "ConvoyMedia", "ConvoyWeights", "ConvoyFilters", "ConvoyNN", "ConvoyTensor", "ConvoyFiles"]),
        .executable(name: "convoy", targets: ["ConvoyCLI"]),
        .executable(name: "edge-energy", targets: ["EdgeEnergy"]),
        .executable(name: "convoy-bench", targets: ["ConvoyBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]
        ),
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .target(name: "CConvoyCPU", exclude: ["README.md"]),
        .target(name: "CConvoyKernels", dependencies: ["CConvoyCPU"], exclude: ["README.md"]),
        .target(name: "ConvoyFiles", exclude: ["README.md"]),
        .target(name: "ConvoyTensor", dependencies: ["CDNNL", "CConvoyCPU", "CConvoyKernels"], exclude: ["README.md"]),
        .target(name: "ConvoyNN", dependencies: ["ConvoyTensor"], exclude: ["README.md"]),
        .target(name: "ConvoyFilters", dependencies: ["CConvoyKernels", "ConvoyNN", "ConvoyTensor"], exclude: ["README.md"]),
        .target(
            name: "ConvoyWeights",
            dependencies: ["ConvoyFiles", "ConvoyNN", "ConvoyTensor", .product(name: "Yams", package: "Yams"),
                           .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["README.md", "ONNX/onnx-subset.proto", "ONNX/generate-proto.sh"]
        ),
        .target(name: "ConvoyMedia", dependencies: ["CFFmpeg", "CConvoyKernels", "ConvoyFiles"], exclude: ["README.md"]),
        .target(
            name: "ConvoyPipeline",
            dependencies: ["ConvoyMedia", "ConvoyWeights", "ConvoyFilters", "ConvoyNN", "ConvoyTensor", "ConvoyFiles",
                           .product(name: "Yams", package: "Yams")],
            exclude: ["README.md"]
        ),
        .target(
            name: "ConvoyFeatures",
            dependencies: ["ConvoyPipeline", "ConvoyMedia", "ConvoyWeights", "ConvoyNN", "ConvoyTensor", "ConvoyFiles"],
            exclude: ["README.md"]
        ),
        .target(
            name: "ConvoyTraining",
            dependencies: ["ConvoyPipeline", "ConvoyMedia", "ConvoyWeights", "ConvoyNN", "ConvoyTensor"],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "ConvoyCLI",
            dependencies: ["ConvoyFeatures", "ConvoyTraining", "ConvoyPipeline", "ConvoyMedia", "ConvoyWeights", "ConvoyFilters", "ConvoyNN", "ConvoyTensor", "ConvoyFiles",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "ConvoyBench",
            dependencies: ["ConvoyFilters", "ConvoyWeights", "ConvoyNN", "ConvoyTensor", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["README.md"]
        ),
        .executableTarget(name: "EdgeEnergy", dependencies: ["ConvoyPipeline", "ConvoyFilters", "ConvoyNN", "ConvoyTensor"], path: "Samples/EdgeEnergy"),
        .testTarget(name: "ConvoyFilesTests", dependencies: ["ConvoyFiles"]),
        .testTarget(name: "ConvoyTensorTests", dependencies: ["ConvoyTensor"]),
        .testTarget(name: "ConvoyNNTests", dependencies: ["ConvoyNN", "ConvoyTensor"], exclude: ["Fixtures/generate.py", "Fixtures/generate_training.py", "Fixtures/generate_resize.py"],
                    resources: [.copy("Fixtures/data"), .copy("Fixtures/resize")]),
        .testTarget(name: "ConvoyWeightsTests", dependencies: ["ConvoyWeights", "ConvoyNN", "ConvoyTensor"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ConvoyFiltersTests", dependencies: ["ConvoyFilters", "ConvoyNN", "ConvoyTensor"]),
        .testTarget(name: "ConvoyMediaTests", dependencies: ["ConvoyMedia", "CFFmpeg", "CConvoyCPU"]),
        .testTarget(
            name: "ConvoyPipelineTests",
            dependencies: ["ConvoyPipeline", "ConvoyMedia", "ConvoyWeights", "ConvoyFilters", "ConvoyNN", "ConvoyTensor"]
        ),
        .testTarget(name: "ConvoyFeaturesTests", dependencies: ["ConvoyFeatures", "ConvoyPipeline", "ConvoyWeights", "ConvoyNN", "ConvoyTensor"]),
        .testTarget(name: "ConvoyTrainingTests", dependencies: ["ConvoyTraining", "ConvoyPipeline", "ConvoyMedia", "ConvoyTensor"]),
        .testTarget(name: "ConvoyCLITests", dependencies: ["ConvoyPipeline", "ConvoyTensor", .product(name: "Yams", package: "Yams")], exclude: ["Scripts"]),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer targets (Fuzz/README.md), only when CONVOY_FUZZ=1 so that `make build` and
// `make test` never see them. `make fuzz` builds them with AddressSanitizer and coverage
// instrumentation in .build-fuzz and links libFuzzer's driver (the harnesses call
// LLVMFuzzerRunDriver from their own main).
if Context.environment["CONVOY_FUZZ"] == "1" {
    let harnesses: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzSafeTensors", ["ConvoyWeights", "ConvoyTensor"]),
        ("FuzzModelYAML", ["ConvoyWeights", "ConvoyNN", "ConvoyTensor"]),
        ("FuzzPipelineYAML", ["ConvoyPipeline", "ConvoyFilters", "ConvoyNN", "ConvoyTensor"]),
        ("FuzzKernelSpec", ["ConvoyFilters", "ConvoyNN", "ConvoyTensor"]),
        ("FuzzRawSpec", ["ConvoyMedia"]),
        ("FuzzY4M", ["ConvoyPipeline", "ConvoyMedia"]),
        ("FuzzNpy", ["ConvoyFeatures"]),
        ("FuzzONNX", ["ConvoyWeights", "ConvoyNN", "ConvoyTensor"]),
    ]
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"))
    for harness in harnesses {
        package.targets.append(.executableTarget(name: harness.name, dependencies: ["FuzzDriver"] + harness.dependencies,
                                                 path: "Fuzz/\(harness.name)"))
    }
}
