import ConvoyMedia
import ConvoyNN
import Foundation

/// Draws a contact sheet: one row per chosen frame, the original on the left and the filtered
/// picture on the right, separated by a thin gap, written as a PNG.
public enum PreviewRenderer {
    public static func render(_ job: PreviewJob) throws {
        guard job.frames >= 1 else { throw ConvoyError("--frames must be at least 1.", exitCode: ConvoyError.usage) }
        try OutputGuard.check(output: job.output, input: job.input, overwrite: job.overwrite)
        let source = try job.source.open(space: job.processor.space, threads: 0, autorotate: job.autorotate)
        source.scale(for: job.processor.fixedInput, input: job.input)
        let total = try frameCount(job.source, hint: source.declaredFrameCount)
        let wanted = Set((0..<job.frames).map { index in
            total <= 1 ? 0 : Int((Double(index) + 0.5) * Double(total) / Double(job.frames))
        })
        let feed = FrameFeed(source: source, depth: 4)
        var originals: [PlanarImage] = []
        while let image = feed.queue.pop() {
            if wanted.contains(image.index) { originals.append(image) }
            if originals.count == wanted.count { feed.queue.cancel() }
        }
        if let error = feed.finish() { throw MediaErrors.input(error, name: job.input) }
        // Keep copies of the originals: the processor may write its result into the same images.
        let scaler = Scaler(color: source.color)
        let cellHeight = max(2, (job.cellWidth * source.height / max(1, source.width) + 1) & ~1)
        func cell(_ image: PlanarImage) throws -> PlanarImage {
            let resized = PlanarImage(width: job.cellWidth, height: cellHeight, pixelFormat: WorkingFormat.rgb)
            try scaler.convert(image, into: resized)
            return resized
        }
        let before = try originals.map(cell)
        do {
            _ = try job.processor.outputSize(width: source.width, height: source.height)
            try job.processor.prepare(layout: originals[0].planes, batch: originals.count)
        } catch let error as ConvoyError {
            throw error
        } catch {
            throw ConvoyError("\(job.input): \(error)", exitCode: ConvoyError.dataError)
        }
        let context = ComputeThread.makeContext(threads: ProcessInfo.processInfo.activeProcessorCount)
        let after = try job.processor.process(originals, context: context).map(cell)
        let gap = 8
        let sheet = PlanarImage(width: 2 * job.cellWidth + 3 * gap, height: before.count * (cellHeight + gap) + gap,
                                pixelFormat: WorkingFormat.rgb)
        sheet.fill(24)
        for (row, (left, right)) in zip(before, after).enumerated() {
            let y = gap + row * (cellHeight + gap)
            sheet.paste(left, x: gap, y: y)
            sheet.paste(right, x: 2 * gap + job.cellWidth, y: y)
        }
        do { try PNGWriter.write(sheet, to: job.output) } catch { throw MediaErrors.output(error, name: job.output) }
    }

    /// The container's frame count, or a count by decoding when it does not say (standard input
    /// cannot be read twice: 1 there, so the first frame is drawn).
    private static func frameCount(_ input: FrameInput, hint: Int) throws -> Int {
        if hint > 0 { return hint }
        guard input.name != "-", input.generated == nil else { return 1 }
        do { return try VideoReader(input.name, raw: input.raw, threads: 0).countFrames() } catch {
            throw MediaErrors.input(error, name: input.name)
        }
    }
}
