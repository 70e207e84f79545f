/// A staged output that could not be made or written, as one line naming the target.
public struct FileError: Error, CustomStringConvertible, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file could not be created or renamed onto its target (no such directory, no
        /// permission, a read-only file system).
        case cannotCreate
        /// The disk, a quota or the file-size limit is full (ENOSPC, EDQUOT, EFBIG).
        case outOfSpace
        /// Any other write failure.
        case writeFailed
    }

    /// The target the user named.
    public let path: String
    public let kind: Kind
    /// The system's words for the failure.
    public let reason: String
    /// The errno value, when the failure had one.
    public let code: Int32?

    public init(path: String, kind: Kind, reason: String, code: Int32? = nil) {
        self.path = path
        self.kind = kind
        self.reason = reason
        self.code = code
    }

    public var description: String {
        switch kind {
        case .cannotCreate: return "\(path): cannot create the output (\(reason))."
        case .outOfSpace: return "\(path): cannot write the output (\(reason))."
        case .writeFailed: return "\(path): writing failed (\(reason))."
        }
    }
}
