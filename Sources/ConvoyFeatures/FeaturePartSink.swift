import ConvoyPipeline
/// A `FeatureSink` for one task's part: passes every frame to the part's own sink and, when that
/// sink has finished, writes the part's record (`FeaturePart`), so the record exists only beside
/// complete files.
final class FeaturePartSink: FeatureSink {
    private let inner: FeatureSink
    private var record: FeaturePart
    private let recordPath: String

    init(inner: FeatureSink, segment: Int, every: Int, format: FeatureFormat, outputs: [(name: String, itemShape: [Int])],
         recordPath: String) {
        self.inner = inner
        record = FeaturePart(segment: segment, every: every, featureFormat: format.rawValue,
                             outputs: outputs.map { FeaturePart.Output(name: $0.name, itemShape: $0.itemShape) }, frames: [], times: [])
        self.recordPath = recordPath
    }

    func append(frame outputs: [UnsafePointer<Float>], index: Int, time: Double) throws {
        try inner.append(frame: outputs, index: index, time: time)
        record.frames.append(index)
        record.times.append(time)
    }

    func finish() throws {
        try inner.finish()
        try record.write(to: recordPath)
    }

    func discard() { inner.discard() }
}
