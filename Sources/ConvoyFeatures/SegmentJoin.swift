import ConvoyPipeline
import ConvoyMedia
import Foundation

/// `convoy join plan.json -o OUT.EXT`: checks and joins the parts tasks wrote into
/// `OUT.EXT.parts/`, then (unless `keepParts`) removes them. Features are joined when the parts
/// folder holds feature records (`K.done.json`); otherwise the parts are video.
public struct SegmentJoin {
    public var planPath: String
    public var output: String
    public var keepParts = false
    public var overwrite = false
    /// The container of a joined video; nil: the one the output's extension names.
    public var format: String?
    /// The original input, whose audio, subtitles and metadata a joined video takes; nil: the
    /// plan's `input.path`.
    public var original: String?

    public init(planPath: String, output: String) {
        self.planPath = planPath
        self.output = output
    }

    /// What was joined.
    public struct Summary {
        public var frames: Int
        public var parts: Int
        public var features: Bool
    }

    public func run() throws -> Summary {
        let plan = try SegmentTask.readPlan(planPath)
        let directory = SegmentTask.partsDirectory(output: output)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConvoyError("\(directory): no parts folder; run the tasks (--plan \(planPath) --segment K) with -o \(output) first.",
                              exitCode: ConvoyError.noInput)
        }
        let features = plan.segments.contains { FileManager.default.fileExists(atPath: FeaturePart.recordPath(output: output, segment: $0.index)) }
        let frames: Int
        if features {
            frames = try FeatureJoin(plan: plan, output: output, overwrite: overwrite).run()
        } else {
            frames = try joinVideo(plan: plan)
        }
        if !keepParts { removeParts(plan: plan, features: features) }
        return Summary(frames: frames, parts: plan.segments.count, features: features)
    }

    /// Checks the video parts and joins them by stream copy with the original's other streams.
    private func joinVideo(plan: SegmentPlan) throws -> Int {
        let source = original ?? plan.input.path
        try SegmentTask.checkInput(source, against: plan, planPath: planPath)
        try OutputGuard.check(output: output, input: source, overwrite: overwrite)
        let parts = plan.segments.map { SegmentTask.partPath(output: output, segment: $0.index) }
        let join = VideoPartJoin(plan: plan, parts: parts, original: source)
        let problems = join.problems()
        guard problems.isEmpty else {
            for problem in problems { Log.info(problem) }
            throw ConvoyError("\(SegmentTask.partsDirectory(output: output)): \(problems.count) of \(plan.segments.count) parts are missing or wrong (listed above); nothing was joined.",
                              exitCode: ConvoyError.dataError)
        }
        let written: (videoPackets: Int, otherPackets: Int, leftOut: [StreamInfo])
        do { written = try join.write(to: output, format: format) } catch { throw MediaErrors.output(error, name: output) }
        for stream in written.leftOut {
            Log.warning("\(source): stream \(stream.index) (\(stream.kind.rawValue), \(stream.codecName)) cannot go into \(output) and is left out.")
        }
        return written.videoPackets
    }

    /// Removes every part and record the plan names, then the folder when nothing else is in it.
    private func removeParts(plan: SegmentPlan, features: Bool) {
        let manager = FileManager.default
        for segment in plan.segments {
            let part = SegmentTask.partPath(output: output, segment: segment.index)
            if features, FeatureFormat.inferred(from: output) == .npy {
                let record = try? FeaturePart.read(from: FeaturePart.recordPath(output: output, segment: segment.index))
                let names = record?.outputs.map { $0.name } ?? []
                for file in NpyFeatureSink.paths(for: part, outputs: names) { try? manager.removeItem(atPath: file) }
            } else {
                try? manager.removeItem(atPath: part)
            }
            try? manager.removeItem(atPath: FeaturePart.recordPath(output: output, segment: segment.index))
        }
        let directory = SegmentTask.partsDirectory(output: output)
        if (try? manager.contentsOfDirectory(atPath: directory))?.isEmpty == true { try? manager.removeItem(atPath: directory) }
    }
}
