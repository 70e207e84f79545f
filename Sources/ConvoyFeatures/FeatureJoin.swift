import ConvoyPipeline
import ConvoyMedia
import Foundation

/// `convoy join` for features: checks every part of `OUT.EXT.parts/` against the plan (each
/// segment's record present, its frames decoded as planned, indices and times inside its
/// range, the same outputs everywhere, every file of the size its record says), then writes
/// the frames in order through the sink a one-machine run uses, so the result has the same bytes.
struct FeatureJoin {
    let plan: SegmentPlan
    let output: String
    let overwrite: Bool

    /// Joins; returns the frames written. Parts are left as they are (the caller removes them).
    ///
    /// - Throws: `ConvoyError` (65) after logging one line per missing or wrong part; 73 when an
    ///   output exists without `overwrite`.
    func run() throws -> Int {
        let format = FeatureFormat.inferred(from: output)
        var records: [FeaturePart] = []
        var problems: [String] = []
        let timeBase = Double(plan.video.timeBase[0]) / Double(plan.video.timeBase[1])
        for segment in plan.segments {
            let part = SegmentTask.partPath(output: output, segment: segment.index)
            do {
                let record = try FeaturePart.read(from: FeaturePart.recordPath(output: output, segment: segment.index))
                if let problem = check(record, against: segment, format: format, timeBase: timeBase, first: records.first) {
                    problems.append("\(part): \(problem).")
                } else {
                    records.append(record)
                }
            } catch let problem as FeaturePart.Problem {
                problems.append("\(part): \(problem.text).")
            }
        }
        var readers: [FeaturePartReader] = []
        if problems.isEmpty {
            for (segment, record) in zip(plan.segments, records) {
                let part = SegmentTask.partPath(output: output, segment: segment.index)
                do { readers.append(try FeaturePartReader(path: part, record: record, format: format)) } catch let problem as FeaturePart.Problem {
                    problems.append("\(part): \(problem.text).")
                }
            }
        }
        guard problems.isEmpty else {
            for problem in problems { Log.info(problem) }
            throw ConvoyError("\(SegmentTask.partsDirectory(output: output)): \(problems.count) of \(plan.segments.count) parts are missing or wrong (listed above); nothing was joined.",
                              exitCode: ConvoyError.dataError)
        }
        let outputs = records[0].outputs.map { (name: $0.name, itemShape: $0.itemShape) }
        let targets: [String]
        switch format {
        case .npy: targets = NpyFeatureSink.paths(for: output, outputs: outputs.map(\.name))
        case .safetensors: targets = [output]
        case .directory: targets = [(output as NSString).appendingPathComponent(FrameIndexFile.suffix(pictures: []))]
        }
        for target in targets where FileManager.default.fileExists(atPath: target) && !overwrite {
            throw ConvoyError("\(target): the file exists; add -y to replace it.", exitCode: ConvoyError.cannotCreate)
        }
        let sink: FeatureSink
        switch format {
        case .npy: sink = try NpyFeatureSink(path: output, outputs: outputs)
        case .safetensors: sink = try SafeTensorsFeatureSink(path: output, outputs: outputs)
        case .directory: sink = try DirectoryFeatureSink(directory: output, outputs: outputs)
        }
        var written = 0
        do {
            for (reader, record) in zip(readers, records) {
                for position in record.frames.indices {
                    try sink.append(frame: try reader.frame(position), index: record.frames[position], time: record.times[position])
                    written += 1
                }
            }
            try sink.finish()
        } catch let problem as FeaturePart.Problem {
            sink.discard()
            throw ConvoyError("\(SegmentTask.partsDirectory(output: output)): \(problem.text); nothing was joined.", exitCode: ConvoyError.dataError)
        } catch {
            sink.discard()
            throw MediaErrors.output(error, name: output)
        }
        return written
    }

    /// What is wrong with a part's record for `segment`, or nil.
    private func check(_ record: FeaturePart, against segment: SegmentPlan.Segment, format: FeatureFormat, timeBase: Double,
                       first: FeaturePart?) -> String? {
        if record.segment != segment.index { return "its record is segment \(record.segment)'s" }
        if record.featureFormat != format.rawValue { return "it holds \(record.featureFormat) features, the output's name asks for \(format.rawValue)" }
        if let first, first.outputs != record.outputs { return "its outputs differ from part 0's (another model or --pool?)" }
        if let first, first.every != record.every { return "it kept one frame in \(record.every), part 0 one in \(first.every) (another --every?)" }
        let range = segment.firstFrame..<(segment.firstFrame + segment.frames)
        if let outside = record.frames.first(where: { !range.contains($0) }) {
            return "frame \(outside) is outside the segment's frames \(range.lowerBound) to \(range.upperBound - 1)"
        }
        if zip(record.frames, record.frames.dropFirst()).contains(where: { $0 >= $1 }) { return "its frames are not in order" }
        let expected = range.filter { record.every > 0 && $0 % record.every == 0 }
        if record.frames != expected {
            return "it holds \(record.frames.count) of the segment's \(expected.count) frames\(record.every > 1 ? " that --every \(record.every) keeps" : "") (was the task stopped early?)"
        }
        // Times are the frames' timestamps in seconds: inside [start, end) to within a tick.
        let low = segment.seek == nil ? -Double.infinity : segment.startSeconds - timeBase / 2
        let high = segment.endSeconds.map { $0 - timeBase / 2 } ?? .infinity
        if let outside = record.times.first(where: { $0 < low || $0 >= high }) {
            return String(format: "a frame at %.6f s lies outside the segment (%.6f s to %@)", outside, segment.startSeconds,
                          segment.endSeconds.map { String(format: "%.6f s", $0) } ?? "the end")
        }
        return nil
    }
}
