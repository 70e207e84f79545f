import ArgumentParser
import ConvoyTensor
import Foundation

/// The `convoy` command: filters video with convolutions computed as im2col + SGEMM.
@main
struct ConvoyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convoy",
        abstract: "Filter video with convolutions computed the way deep-learning frameworks compute them.",
        discussion: """
        Frames are decoded with FFmpeg's libraries, packed into batches of N frames as one \
        [N, C, H, W] Float32 tensor, convolved as im2col plus one SGEMM per batch, and encoded again \
        with their timestamps; audio and other streams are copied unchanged.
        """,
        version: "0.1.0",
        subcommands: [FilterCommand.self, RunCommand.self, FeaturesCommand.self, PreviewCommand.self, ModelCommand.self,
                      TrainCommand.self, PlanCommand.self, JoinCommand.self,
                      KernelsCommand.self, ProbeCommand.self]
    )

    /// Refuses a `CONVOY_ISA` that names no kernel level before anything runs, then parses and
    /// runs the command.
    static func main() {
        if let value = KernelLevel.unrecognisedRequest {
            let names = KernelLevel.allCases.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("convoy: CONVOY_ISA=\(value) names no kernel level (use one of \(names)).\n".utf8))
            Foundation.exit(64)
        }
        main(nil)
    }
}
