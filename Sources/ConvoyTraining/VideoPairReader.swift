import ConvoyPipeline
import Foundation

/// Pairs the frames of two frame inputs (videos, standard input, raw frames, image sequences,
/// generated frames) one by one, in decoding order, checking that each pair shows the same moment:
/// frame i of the input and frame i of the target must lie at the same time after their first
/// frame (within half a frame period), and both must end together.
final class VideoPairReader: FramePairReader {
    private let input: DecodedVideo
    private let targetInput: FrameInput
    private let threads: Int
    private var target: DecodedVideo?
    private var index = 0
    private var origins: (input: Double, target: Double)?

    /// Opens the input, decoding it into `inputSpace`; the target opens with `openTarget`.
    init(input: FrameInput, target: FrameInput, inputSpace: FilterSpace, threads: Int) throws {
        self.input = try DecodedVideo(input, space: inputSpace, threads: threads)
        targetInput = target
        self.threads = threads
    }

    func firstInputSize() throws -> (width: Int, height: Int) { (input.width, input.height) }

    func openTarget(space: FilterSpace) throws {
        precondition(target == nil, "the target opens once")
        target = try DecodedVideo(targetInput, space: space, threads: threads)
    }

    func next() throws -> FramePair? {
        guard let target else { preconditionFailure("open the target before reading pairs") }
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
