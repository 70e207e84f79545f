import Foundation

/// A file written under a temporary name beside its target and renamed onto the target only when
/// it is complete, so a failed or interrupted run never leaves half a file where the target
/// should be. Every writer of Convoy's outputs goes through one.
///
/// The temporary is `.NAME.convoy-PID.tmp` in the target's directory (`.NAME.convoy-PID.partN.tmp`
/// for the numbered parts a writer assembles), registered with `TemporaryFiles` so an abort
/// (a second Ctrl-C) removes it. `commit()` renames it onto the target; `discard()`, a failed
/// commit and deinit remove it.
///
/// A staged file made by `create(target:)` is open for writing here; one made by
/// `init(reserving:)` only names the temporary, for writers with I/O of their own (libavformat).
public final class StagedFile {
    /// The target, named in messages.
    public let target: String
    /// Where the bytes go until `commit()`.
    public let temporaryPath: String
    private var handle: FileHandle?
    private var done = false

    /// Reserves the temporary name for `target` (part `part` of it, when given) and registers it;
    /// nothing is created.
    public init(reserving target: String, part: Int? = nil) {
        self.target = target
        let url = URL(fileURLWithPath: target)
        let name = ".\(url.lastPathComponent).convoy-\(getpid())\(part.map { ".part\($0)" } ?? "").tmp"
        temporaryPath = url.deletingLastPathComponent().appendingPathComponent(name).path
        TemporaryFiles.register(temporaryPath)
    }

    /// Creates the temporary file for `target` (part `part` of it, when given), open for writing.
    ///
    /// - Throws: `FileError.cannotCreate` when the file cannot be made (no such directory, no
    ///   permission).
    public static func create(target: String, part: Int? = nil) throws -> StagedFile {
        let file = StagedFile(reserving: target, part: part)
        guard FileManager.default.createFile(atPath: file.temporaryPath, contents: nil),
              let handle = FileHandle(forUpdatingAtPath: file.temporaryPath) else {
            let reason = String(cString: strerror(errno))
            file.discard()
            throw FileError(path: target, kind: .cannotCreate, reason: reason)
        }
        file.handle = handle
        return file
    }

    deinit { discard() }

    /// Appends `data` at the write position.
    public func write(_ data: Data) throws {
        try attempt { try openHandle().write(contentsOf: data) }
    }

    /// Appends `line` and a newline.
    public func write(line: String) throws {
        try write(Data((line + "\n").utf8))
    }

    /// Moves the write position (to rewrite a header in place).
    public func seek(to offset: UInt64) throws {
        try attempt { try openHandle().seek(toOffset: offset) }
    }

    /// Appends everything written to `other` so far, in chunks (bounded memory).
    public func append(contentsOf other: StagedFile) throws {
        try attempt {
            let handle = try openHandle()
            try other.openHandle().synchronize()
            guard let input = FileHandle(forReadingAtPath: other.temporaryPath) else { return }
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 1 << 22), !chunk.isEmpty { try handle.write(contentsOf: chunk) }
        }
    }

    /// Closes the file (when it is open here) and renames it onto the target. On failure the
    /// temporary is removed and the target is untouched.
    public func commit() throws {
        precondition(!done, "commit after commit or discard")
        done = true
        defer { TemporaryFiles.unregister(temporaryPath) }
        do {
            try attempt { try handle?.close() }
        } catch {
            unlink(temporaryPath)
            throw error
        }
        if rename(temporaryPath, target) != 0 {
            let code = errno
            unlink(temporaryPath)
            throw FileError(path: target, kind: .cannotCreate, reason: String(cString: strerror(code)), code: code)
        }
    }

    /// Closes and removes the temporary file; the target is untouched. Does nothing once
    /// committed or discarded.
    public func discard() {
        guard !done else { return }
        done = true
        try? handle?.close()
        unlink(temporaryPath)
        TemporaryFiles.unregister(temporaryPath)
    }

    private func openHandle() throws -> FileHandle {
        guard let handle, !done else { preconditionFailure("\(target): the staged file is not open for writing here") }
        return handle
    }

    /// Runs a file operation; a failure becomes a `FileError` naming the target: out of space
    /// when the disk, a quota or the file-size limit is full, else a write failure.
    private func attempt(_ body: () throws -> Void) throws {
        do { try body() } catch let error as FileError { throw error } catch {
            let error = error as NSError
            let posix = [error, error.userInfo[NSUnderlyingErrorKey] as? NSError]
                .compactMap { $0 }.first { $0.domain == NSPOSIXErrorDomain }.map { Int32($0.code) }
            let outOfSpace = (error.domain == NSCocoaErrorDomain && error.code == CocoaError.fileWriteOutOfSpace.rawValue)
                || posix.map { [ENOSPC, EDQUOT, EFBIG].contains($0) } == true
            if outOfSpace {
                let code = posix ?? ENOSPC
                throw FileError(path: target, kind: .outOfSpace, reason: String(cString: strerror(code)), code: code)
            }
            throw FileError(path: target, kind: .writeFailed, reason: error.localizedDescription, code: posix)
        }
    }
}
