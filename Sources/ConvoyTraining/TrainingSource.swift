import ConvoyPipeline
import Foundation

/// Where training pairs come from: an input and a target, each a `FrameInput` as every command
/// takes it (a file or URL, `-` for a container or, with `raw`, raw frames on standard input, an
/// image sequence pattern, generated frames), paired frame by frame; or two folders of pictures,
/// paired by file name.
public struct TrainingSource: Equatable, Sendable {
    /// How the two sides pair.
    public enum Pairing: Equatable, Sendable {
        /// Frame i of the input goes with frame i of the target; both must have the same timestamps.
        case frameByFrame
        /// `input/NAME.*` goes with `target/NAME.*`.
        case byName
    }

    /// The frames the model reads.
    public let input: FrameInput
    /// The frames it should make of them.
    public let target: FrameInput
    public let pairing: Pairing

    /// Two folders pair by name; any other two inputs pair frame by frame.
    ///
    /// - Throws: `ConvoyError` (usage) when one is a folder and the other is not, or when both
    ///   would read standard input.
    public init(input: FrameInput, target: FrameInput) throws {
        func isFolder(_ side: FrameInput) -> Bool {
            var flag: ObjCBool = false
            return side.raw == nil && side.generated == nil && side.name != "-"
                && FileManager.default.fileExists(atPath: side.name, isDirectory: &flag) && flag.boolValue
        }
        switch (isFolder(input), isFolder(target)) {
        case (true, true): pairing = .byName
        case (false, false): pairing = .frameByFrame
        case (true, false):
            throw ConvoyError("\(input.name) is a folder but \(target.name) is not; give two videos or two folders of images.", exitCode: ConvoyError.usage)
        case (false, true):
            throw ConvoyError("\(target.name) is a folder but \(input.name) is not; give two videos or two folders of images.", exitCode: ConvoyError.usage)
        }
        if input.readsStandardInput && target.readsStandardInput {
            throw ConvoyError("the input and the target cannot both be read from standard input; give one of them as a file.",
                              exitCode: ConvoyError.usage)
        }
        self.input = input
        self.target = target
    }

    /// The input's name (`-`: standard input).
    public var inputName: String { input.name }

    /// The target's name.
    public var targetName: String { target.name }

    /// False when a side is standard input, which can be read only once: its pairs must then be
    /// held in memory.
    public var canBeReadAgain: Bool { !input.readsStandardInput && !target.readsStandardInput }

    /// A reader of every pair, from the first, with its input open (its target opens with
    /// `openTarget`, once the target's planes are known).
    func makeReader(inputSpace: FilterSpace, threads: Int) throws -> FramePairReader {
        switch pairing {
        case .frameByFrame:
            return try VideoPairReader(input: input, target: target, inputSpace: inputSpace, threads: threads)
        case .byName:
            return try ImageFolderPairReader(input: input.name, target: target.name, inputSpace: inputSpace, threads: threads)
        }
    }

    /// A reader of every pair, from the first, with both sides open.
    func makeReader(inputSpace: FilterSpace, targetSpace: FilterSpace, threads: Int) throws -> FramePairReader {
        let reader = try makeReader(inputSpace: inputSpace, threads: threads)
        try reader.openTarget(space: targetSpace)
        return reader
    }
}
