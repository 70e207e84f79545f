import Foundation

/// Where the programs under test and the reference tools live.
enum Tools {
    /// The package root, three levels above this file (Tests/ConvoyCLITests/Support/Tools.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `convoy` binary: `CONVOY_BIN`, else `.build/release/convoy`, else `.build/debug/convoy`.
    static let convoy: String = {
        if let path = ProcessInfo.processInfo.environment["CONVOY_BIN"], !path.isEmpty { return path }
        for configuration in ["release", "debug"] {
            let path = packageRoot.appendingPathComponent(".build/\(configuration)/convoy").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot.appendingPathComponent(".build/release/convoy").path
    }()

    /// The `edge-energy` sample, from the same directory as `convoy`.
    static let edgeEnergy: String = URL(fileURLWithPath: convoy).deletingLastPathComponent()
        .appendingPathComponent("edge-energy").path

    static let ffmpeg = ProcessRunner.which("ffmpeg")
    static let ffprobe = ProcessRunner.which("ffprobe")

    /// An 8-bit planar-or-packed RGB pixel format ffv1 encodes losslessly here: `gbrp` where this
    /// FFmpeg's ffv1 takes it, else `bgr0` (FFmpeg 5.x ffv1 has no 8-bit gbrp). Either decodes to
    /// exactly the same gbrp samples.
    static let ffv1RGBPixelFormat: String = {
        let help = (try? ProcessRunner.run(ffmpeg, ["-hide_banner", "-h", "encoder=ffv1"]))?.stdoutText ?? ""
        let line = help.split(separator: "\n").first { $0.contains("pixel formats") } ?? ""
        return line.split(separator: " ").contains("gbrp") ? "gbrp" : "bgr0"
    }()

    /// The pipeline files shipped in Pipelines/.
    static var pipelineFiles: [String] {
        let directory = packageRoot.appendingPathComponent("Pipelines")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }
}
