import ConvoyFiles

/// A failure meant for the person at the terminal: one line naming the culprit and what is wrong,
/// and the sysexits code the process ends with.
public struct ConvoyError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let exitCode: Int32

    public init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }

    /// A staged output that could not be made or written: its line, with exit 73 when the output
    /// could not be created or ran out of room, 74 for other write failures.
    public init(_ error: FileError) {
        self.init(error.description, exitCode: error.kind == .writeFailed ? ConvoyError.ioError : ConvoyError.cannotCreate)
    }

    /// EX_USAGE: the command was used wrongly (bad option, unknown kernel or encoder).
    public static let usage: Int32 = 64
    /// EX_DATAERR: the input data was wrong (not video, corrupt, bad pipeline file).
    public static let dataError: Int32 = 65
    /// EX_NOINPUT: an input file did not exist or could not be read.
    public static let noInput: Int32 = 66
    /// EX_UNAVAILABLE: something the command needs is missing (bf16-only on a CPU without AVX512_BF16).
    public static let unavailable: Int32 = 69
    /// EX_SOFTWARE: an internal failure.
    public static let software: Int32 = 70
    /// EX_CANTCREAT: the output could not be created.
    public static let cannotCreate: Int32 = 73
    /// EX_IOERR: reading or writing failed midway.
    public static let ioError: Int32 = 74
}
