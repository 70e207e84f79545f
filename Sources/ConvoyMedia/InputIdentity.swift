import CFFmpeg
import Foundation

/// What a plan records about its input so that a task on another machine can tell it has the same
/// file: the path, its size and modification time, and the SHA-256 of its first MiB (libavutil's
/// hash), which a copy keeps and a re-encode or a different take does not.
public struct InputIdentity: Codable, Equatable, Sendable {
    /// The absolute path the plan was made from.
    public var path: String
    /// The file's size in bytes.
    public var size: UInt64
    /// The modification time, seconds since 1970 (UTC).
    public var modified: Double
    /// The SHA-256 of the first MiB (the whole file when shorter), lower-case hex: `head_sha256`.
    public var headSha256: String

    /// How many bytes from the start are hashed.
    public static let hashedBytes = 1 << 20

    /// Reads `path`'s attributes and hashes its first MiB.
    ///
    /// - Throws: `MediaError.cannotIndex` when the path is not a readable regular file (standard
    ///   input and URLs have nothing a task could check).
    public init(path: String) throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: absolute) } catch {
            throw MediaError.cannotIndex(input: path, reason: "it is not a file Convoy can read (\(error.localizedDescription))")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw MediaError.cannotIndex(input: path, reason: "it is not a regular file; a plan needs a file every task can read")
        }
        guard let handle = FileHandle(forReadingAtPath: absolute) else {
            throw MediaError.cannotIndex(input: path, reason: "it cannot be opened for reading")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: InputIdentity.hashedBytes)) ?? Data()
        self.path = absolute
        size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        headSha256 = InputIdentity.sha256(head)
    }

    /// The SHA-256 of `data` as lower-case hex, computed by libavutil.
    static func sha256(_ data: Data) -> String {
        var context: OpaquePointer? = nil
        guard av_hash_alloc(&context, "SHA256") >= 0, let context else { fatalError("av_hash_alloc(SHA256) failed") }
        defer { var pointer: OpaquePointer? = context; av_hash_freep(&pointer) }
        av_hash_init(context)
        data.withUnsafeBytes { bytes in
            if let base = bytes.bindMemory(to: UInt8.self).baseAddress { av_hash_update(context, base, bytes.count) }
        }
        var hex = [UInt8](repeating: 0, count: 2 * 32 + 1)
        av_hash_final_hex(context, &hex, Int32(hex.count))
        return String(decoding: hex.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Why `other` (the file a task was given) is not this input, or nil when it is: the size and
    /// the hash must agree. A different path or modification time alone does not count (copies to
    /// a node's local disk change both), and `notes` says so.
    public func mismatch(with other: InputIdentity) -> (problem: String?, notes: [String]) {
        var notes: [String] = []
        if other.path != path { notes.append("the plan was made from \(path)") }
        if other.modified != modified { notes.append("its modification time differs from the plan's; the size and the hash of the first MiB agree") }
        if other.size != size { return ("it has \(other.size) bytes, the plan's input \(size)", notes) }
        if other.headSha256 != headSha256 { return ("its first MiB differs from the plan's input (SHA-256 \(other.headSha256.prefix(12))…, plan \(headSha256.prefix(12))…)", notes) }
        return (nil, notes)
    }
}
