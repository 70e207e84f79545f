import ConvoyMedia
import ConvoyPipeline
import ConvoyTensor
import ConvoyTraining
import Foundation
import XCTest

/// `TrainingData` on small lossless clips made with ffmpeg where files are the point (pairing,
/// crops, depths, folders, bad files) and on generated frames where they are not (order, the
/// validation split, bounded streaming, resuming): every bad-input error too.
final class TrainingDataTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("convoy-train-data-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func ffmpeg(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-hide_banner", "-nostdin", "-v", "error", "-y"] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "ffmpeg \(arguments.joined(separator: " "))")
    }

    /// A lossless yuv420p clip of test pattern with noise changing every frame (so no two frames
    /// are alike).
    @discardableResult
    private func clip(_ name: String, frames: Int = 10, size: String = "48x32", rate: Int = 10) throws -> String {
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=\(size):rate=\(rate)", "-frames:v", "\(frames)", "-vf", "noise=alls=40:allf=t",
                    "-c:v", "ffv1", "-pix_fmt", "yuv420p", path(name)])
        return path(name)
    }

    /// `source` through an ffmpeg filter, losslessly.
    private func filtered(_ source: String, _ name: String, filter: String) throws -> String {
        try ffmpeg(["-i", source, "-vf", filter, "-c:v", "ffv1", "-pix_fmt", "yuv420p", path(name)])
        return path(name)
    }

    /// Ten 48×32 frames of noise, each unlike the others, generated rather than decoded.
    private let noise = FrameInput.synthetic(SyntheticFrames(width: 48, height: 32, count: 10, pattern: .noise(seed: 11), framesPerSecond: 10))

    /// The luma frames of `input` as [1, 1, H, W] tensors, in order.
    private func lumaFrames(_ input: FrameInput) throws -> [[Float]] {
        let reader = try FrameReader(input, space: .luma)
        var frames: [[Float]] = []
        while let batch = try reader.next(count: 1) { frames.append(batch.tensor.array) }
        return frames
    }

    private func data(_ input: String, _ target: String, channels: Int = 1, crop: Int? = nil, batch: Int = 1,
                      validation: Double = 0, seed: UInt64 = 1, memory: Int? = nil,
                      outputShape: ((Shape) throws -> Shape)? = nil) throws -> TrainingData {
        try data(FrameInput(input), FrameInput(target), channels: channels, crop: crop, batch: batch, validation: validation, seed: seed,
                 memory: memory, outputShape: outputShape)
    }

    private func data(_ input: FrameInput, _ target: FrameInput, channels: Int = 1, crop: Int? = nil, batch: Int = 1,
                      validation: Double = 0, seed: UInt64 = 1, memory: Int? = nil,
                      outputShape: ((Shape) throws -> Shape)? = nil) throws -> TrainingData {
        var options = TrainingDataOptions(crop: crop, batch: batch, validationFraction: validation, seed: seed)
        if let memory { options.memoryBudget = memory }
        return try TrainingData(source: try TrainingSource(input: input, target: target), inputChannels: channels,
                                outputShape: outputShape ?? { $0 }, options: options)
    }

    private func assertError(_ body: @autoclosure () throws -> Any, code: Int32, contains parts: [String],
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? ConvoyError else { return XCTFail("not a ConvoyError: \(error)", file: file, line: line) }
            XCTAssertEqual(error.exitCode, code, error.message, file: file, line: line)
            XCTAssertFalse(error.message.contains("\n"), "one line: \(error.message)", file: file, line: line)
            for part in parts { XCTAssertTrue(error.message.contains(part), "\(error.message) lacks \(part)", file: file, line: line) }
        }
    }

    // MARK: Pairing and windows

    /// Each example's target is the negated input of the same moment, for whole frames and for
    /// random crops: the pairs and the windows line up.
    func testPairsAndCropsLineUp() throws {
        let input = try clip("in.mkv")
        let target = try filtered(input, "negated.mkv", filter: "negate")
        for crop in [nil, 16] as [Int?] {
            let data = try data(input, target, crop: crop, batch: 4)
            XCTAssertTrue(data.isInMemory)
            XCTAssertEqual(data.pairCount, 10)
            XCTAssertEqual(data.inputShape, Shape(4, 1, crop ?? 32, crop ?? 48))
            for _ in 0..<5 {
                let batch = try data.nextBatch()
                XCTAssertEqual(batch.target.shape, batch.input.shape)
                let (x, y) = (batch.input.array, batch.target.array)
                XCTAssertEqual(zip(x, y).map { abs($0 + $1 - 1) }.max()!, 0, accuracy: 1e-6)
            }
        }
    }

    /// A 10-bit source is read at its depth (0…1023 → 0…1): windows of 16-bit planes line up too.
    func testTenBitPairsLineUp() throws {
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=48x32:rate=10", "-frames:v", "6", "-vf", "noise=alls=40:allf=t",
                    "-c:v", "ffv1", "-pix_fmt", "yuv420p10le", path("deep.mkv")])
        try ffmpeg(["-i", path("deep.mkv"), "-vf", "negate", "-c:v", "ffv1", "-pix_fmt", "yuv420p10le", path("deep-negated.mkv")])
        for channels in [1, 3] {
            let data = try data(path("deep.mkv"), path("deep-negated.mkv"), channels: channels, crop: 12, batch: 4)
            let batch = try data.nextBatch()
            let (x, y) = (batch.input.array, batch.target.array)
            if channels == 1 {
                XCTAssertEqual(zip(x, y).map { abs($0 + $1 - 1) }.max()!, 0, accuracy: 1e-6)
                XCTAssertTrue(x.contains { ($0 * 1023).rounded() != ($0 * 255).rounded() * 1023 / 255 }, "finer than 8-bit levels")
            } else {
                // Negating limited-range YUV is not an exact negation in RGB; the windows are still RGB of the right size.
                XCTAssertEqual(batch.input.shape, Shape(4, 3, 12, 12))
                XCTAssertEqual(batch.target.shape, Shape(4, 3, 12, 12))
                XCTAssertTrue((x + y).allSatisfy { (0...1).contains($0) })
            }
        }
    }

    /// For an unpadded 3×3 model (output 2 pixels smaller) the target window is the centre of the
    /// input window; a 2× model learns the 2× target window.
    func testUnpaddedAndEnlargingModelsTakeTheMatchingTargetWindow() throws {
        let input = try clip("in.mkv")
        let target = try filtered(input, "negated.mkv", filter: "negate")
        let data = try data(input, target, crop: 12, batch: 2) { Shape($0.n, 1, $0.h - 2, $0.w - 2) }
        let batch = try data.nextBatch()
        XCTAssertEqual(batch.target.shape, Shape(2, 1, 10, 10))
        for n in 0..<2 {
            for y in 0..<10 {
                for x in 0..<10 {
                    XCTAssertEqual(batch.target[n: n, c: 0, h: y, w: x] + batch.input[n: n, c: 0, h: y + 1, w: x + 1], 1, accuracy: 1e-6)
                }
            }
        }
        let big = try filtered(input, "big.mkv", filter: "negate,scale=iw*2:ih*2:flags=neighbor")
        let enlarging = try self.data(input, big, crop: 8, batch: 2) { Shape($0.n, 1, 2 * $0.h, 2 * $0.w) }
        XCTAssertEqual(enlarging.scale, 2)
        let scaled = try enlarging.nextBatch()
        for y in 0..<16 {
            for x in 0..<16 {
                XCTAssertEqual(scaled.target[n: 1, c: 0, h: y, w: x] + scaled.input[n: 1, c: 0, h: y / 2, w: x / 2], 1, accuracy: 1e-6)
            }
        }
    }

    /// Folders pair by name without extension; RGB models read RGB planes.
    func testFoldersPairByName() throws {
        try FileManager.default.createDirectory(atPath: path("in"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path("out"), withIntermediateDirectories: true)
        for (index, name) in ["b", "a", "c"].enumerated() {
            try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=40x30:rate=10", "-vf", "noise=alls=40:all_seed=\(index + 1)", "-frames:v", "1", path("in/\(name).png")])
            try ffmpeg(["-i", path("in/\(name).png"), "-vf", "negate", path("out/\(name).\(name == "a" ? "bmp" : "png")")])
        }
        let data = try data(path("in"), path("out"), channels: 3, batch: 3)
        XCTAssertEqual(data.pairCount, 3)
        let batch = try data.nextBatch()
        XCTAssertEqual(batch.input.shape, Shape(3, 3, 30, 40))
        XCTAssertEqual(zip(batch.input.array, batch.target.array).map { abs($0 + $1 - 1) }.max()!, 0, accuracy: 1e-6)
        let pictures = batch.input.array
        let size = 3 * 30 * 40
        XCTAssertEqual(Set((0..<3).map { Array(pictures[$0 * size..<($0 + 1) * size]) }).count, 3, "three different pictures")
    }

    /// Folder images may differ in size from pair to pair when crops are cut; whole frames must
    /// all have one size.
    func testFoldersOfDifferentSizesNeedCrops() throws {
        for folder in ["in", "out"] { try FileManager.default.createDirectory(atPath: path(folder), withIntermediateDirectories: true) }
        for (name, size) in [("a", "40x30"), ("b", "64x48")] {
            try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=\(size)", "-vf", "noise=alls=40", "-frames:v", "1", path("in/\(name).png")])
            try ffmpeg(["-i", path("in/\(name).png"), "-vf", "negate", path("out/\(name).png")])
        }
        let cropped = try data(path("in"), path("out"), channels: 3, crop: 24, batch: 5)
        for _ in 0..<3 {
            let batch = try cropped.nextBatch()
            XCTAssertEqual(batch.input.shape, Shape(5, 3, 24, 24))
            XCTAssertEqual(zip(batch.input.array, batch.target.array).map { abs($0 + $1 - 1) }.max()!, 0, accuracy: 1e-6)
        }
        assertError(try data(path("in"), path("out"), channels: 3), code: ConvoyError.dataError, contains: ["b.png is 64×48", "40×30", "--crop"])
    }

    // MARK: Order, split, streaming, resuming

    /// An epoch hands out every training frame exactly once; the validation frames are the last
    /// ones and never appear in training batches.
    func testEpochsArePermutationsAndValidationIsTheTail() throws {
        let input = noise
        let frames = try lumaFrames(input)
        XCTAssertEqual(Set(frames).count, 10, "ten different frames")
        for memory in [nil, 1] as [Int?] {   // 1 byte: nothing fits, every epoch decodes again
            let data = try data(input, input, validation: 0.2, memory: memory)
            XCTAssertEqual(data.isInMemory, memory == nil)
            XCTAssertEqual([data.trainingCount, data.validationCount], [8, 2])
            for _ in 0..<3 {
                var seen: [Int] = []
                for _ in 0..<8 {
                    let batch = try data.nextBatch().input.array
                    seen.append(try XCTUnwrap(frames.firstIndex(of: batch)))
                }
                XCTAssertEqual(seen.sorted(), Array(0..<8))
            }
            var held: [Int] = []
            data.forEachValidationBatch { batch in held.append(frames.firstIndex(of: batch.input.array) ?? -1) }
            XCTAssertEqual(held, memory == nil ? [8, 9] : [8], "streamed data keeps what fits a quarter of the budget (at least one)")
        }
    }

    /// The same seed gives the same batches (in memory or streamed); another seed other batches.
    func testSeedDeterminesTheBatches() throws {
        let input = noise
        func batches(_ seed: UInt64, memory: Int? = nil) throws -> [[Float]] {
            let data = try data(input, input, crop: 8, batch: 3, seed: seed, memory: memory)
            return try (0..<7).map { _ in try data.nextBatch().input.array }
        }
        let first = try batches(7)
        XCTAssertEqual(first, try batches(7))
        XCTAssertEqual(try batches(7, memory: 1), try batches(7, memory: 1), "streamed data is just as repeatable")
        XCTAssertNotEqual(first, try batches(8))
    }

    /// Seeking a fresh data set to example k gives the batches an uninterrupted one gives after k.
    func testSeekReplaysToTheSameState() throws {
        let input = noise
        for (memory, steps) in [(nil, 5), (1, 5), (nil, 6), (1, 6)] as [(Int?, Int)] {   // 18 examples: two whole epochs of 9
            let straight = try data(input, input, crop: 8, batch: 3, validation: 0.1, seed: 3, memory: memory)
            for _ in 0..<steps { _ = try straight.nextBatch() }
            let resumed = try data(input, input, crop: 8, batch: 3, validation: 0.1, seed: 3, memory: memory)
            try resumed.seek(toExample: 3 * steps)
            XCTAssertEqual(resumed.generatorState, straight.generatorState)
            for _ in 0..<4 { XCTAssertEqual(try resumed.nextBatch().input.array, try straight.nextBatch().input.array) }
        }
    }

    // MARK: Errors

    func testVideosOfDifferentSizesAreRefused() throws {
        let input = try clip("in.mkv")
        let other = try clip("other.mkv", size: "40x32")
        assertError(try data(input, other), code: ConvoyError.dataError, contains: ["other.mkv", "40×32", "48×32"])
    }

    func testVideosOfDifferentLengthsAreRefused() throws {
        let input = try clip("in.mkv")
        let short = try clip("short.mkv", frames: 7)
        assertError(try data(input, short), code: ConvoyError.dataError, contains: ["in.mkv has 10 frames", "short.mkv has 7"])
    }

    func testTimestampsThatDoNotPairAreRefused() throws {
        let input = try clip("in.mkv")
        let slow = try clip("slow.mkv", rate: 5)
        assertError(try data(input, slow), code: ConvoyError.dataError, contains: ["in.mkv: frame 1 is at 0.100 s", "slow.mkv is at 0.200 s"])
    }

    func testUnpairedFolderNamesAreRefused() throws {
        for folder in ["in", "out"] { try FileManager.default.createDirectory(atPath: path(folder), withIntermediateDirectories: true) }
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=40x30", "-frames:v", "1", path("in/a.png")])
        try FileManager.default.copyItem(atPath: path("in/a.png"), toPath: path("in/b.png"))
        try FileManager.default.copyItem(atPath: path("in/a.png"), toPath: path("out/a.png"))
        try FileManager.default.copyItem(atPath: path("in/a.png"), toPath: path("out/z.png"))
        assertError(try data(path("in"), path("out")), code: ConvoyError.dataError, contains: ["without a partner", "b.png", "z.png"])
        assertError(try data(path("in"), path("in/a.png")), code: ConvoyError.usage, contains: ["is a folder"])
    }

    func testUnreadableAndMissingFilesAreRefused() throws {
        let input = try clip("in.mkv")
        try Data("not a video at all".utf8).write(to: URL(fileURLWithPath: path("junk.mp4")))
        assertError(try data(input, path("junk.mp4")), code: ConvoyError.dataError, contains: ["junk.mp4", "not a readable"])
        assertError(try data(input, path("missing.mp4")), code: ConvoyError.noInput, contains: ["missing.mp4", "no such file"])
    }

    func testModelOutputThatDiffersFromTheTargetIsRefused() throws {
        let input = try clip("in.mkv")
        assertError(try data(input, input, crop: 16) { Shape($0.n, 1, $0.h / 2, $0.w / 2) }, code: ConvoyError.dataError,
                    contains: ["output shape differs from the target's", "8×8"])
        assertError(try data(input, input) { Shape($0.n, 4, $0.h, $0.w) }, code: ConvoyError.dataError, contains: ["4 channels"])
        assertError(try data(input, input, crop: 64), code: ConvoyError.usage, contains: ["smaller than the 64×64 crop"])
        assertError(try data(input, input, validation: 0.5, memory: nil) { _ in throw ConvoyError("kernel too big", exitCode: 65) },
                    code: ConvoyError.dataError, contains: ["kernel too big"])
    }
}
