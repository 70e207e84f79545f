// edge-energy: prints the mean Sobel edge energy of each frame of a video, using Convoy as a
// library. Usage: edge-energy INPUT
//
// Frames are read as [N, 1, H, W] luma batches, filtered with Sobel magnitude by im2col + SGEMM,
// and averaged per frame.
import ConvoyFilters
import ConvoyNN
import ConvoyPipeline
import ConvoyTensor
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: edge-energy INPUT\n".utf8))
    exit(64)
}
do {
    let reader = try FrameReader(input: arguments[1], space: .luma)
    let sobel = try FilterChain(kernels: [try KernelSpec.parse("sobel")], border: .replicate).makeLayer()
    let context = ExecutionContext()
    print("time_s,edge_energy")
    while let batch = try reader.next(count: 8) {
        let output = Tensor(shape: sobel.outputShape(for: batch.tensor.shape))
        sobel.forward(batch.tensor, into: output, context: context)
        let perFrame = output.count / batch.times.count
        for (index, time) in batch.times.enumerated() {
            let frame = UnsafeBufferPointer(start: output.pointer + index * perFrame, count: perFrame)
            let mean = frame.reduce(0.0) { $0 + Double($1) } / Double(perFrame)
            print(String(format: "%.3f,%.6f", time, mean))
        }
    }
} catch let error as ConvoyError {
    FileHandle.standardError.write(Data("edge-energy: \(error.message)\n".utf8))
    exit(error.exitCode)
} catch {
    FileHandle.standardError.write(Data("edge-energy: \(error)\n".utf8))
    exit(70)
}
