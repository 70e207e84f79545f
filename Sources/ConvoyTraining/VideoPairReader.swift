import ConvoyPipeline
import Foundation

/// Pairs the frames of two videos one by one, in decoding order, checking that each pair shows the
/// same moment: frame i of the input and frame i of the target must lie at the same time after
/// their video's first frame (within half a frame period), and both videos must end together.
final class VideoPairReader: FramePairReader {
    private let input: DecodedVideo
    private let target: DecodedVideo
    private var index = 0
    private var origins: (input: Double, target: Double)?

    /// Opens both videos, decoding the input into `inputSpace` and the target into `targetSpace`.
    init(input: String, target: String, inputSpace: FilterSpace, targetSpace: FilterSpace, threads: Int) throws {
        self.input = try DecodedVideo(input, space: inputSpace, threads: threads)
        self.target = try DecodedVideo(target, space: targetSpace, threads: threads)
    }

    func next() throws -> FramePair? {
        let a = try input.next()
        let b = try target.next()
        switch (a, b) {
        case (nil, nil):
            return nil
        case (let a?, let b?):
            let origins = self.origins ?? (a.seconds, b.seconds)
            self.origins = origins
            let (ta, tb) = (a.seconds - origins.input, b.seconds - origins.target)
            guard abs(ta - tb) <= min(input.timeTolerance, target.timeTolerance) else {
                throw ConvoyError(String(format: "%@: frame %d is at %.3f s but frame %d of %@ is at %.3f s (from each video's first frame); the videos do not pair frame by frame, so give the target the input's frame rate and timestamps.",
                                         input.name, index, ta, index, target.name, tb), exitCode: ConvoyError.dataError)
            }
            defer { index += 1 }
            return FramePair(input: a.image, target: b.image, index: index,
                             inputName: String(format: "%@ frame %d (%.3f s)", input.name, index, ta),
                             targetName: String(format: "%@ frame %d (%.3f s)", target.name, index, tb))
        default:
            let inputFrames = index + (a == nil ? 0 : 1 + (try input.countRemaining()))
            let targetFrames = index + (b == nil ? 0 : 1 + (try target.countRemaining()))
            throw ConvoyError("\(input.name) has \(inputFrames) frames but \(target.name) has \(targetFrames); input and target videos must have the same frames.",
                              exitCode: ConvoyError.dataError)
        }
    }
}
