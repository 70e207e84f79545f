import Foundation

/// A file written under a temporary name beside its target (registered for abort clean-up) and
/// renamed onto the target by `finish()`; `discard()` or deinit removes it instead. Every error is a
/// one-line `ConvoyError` naming the target.
final class StagedFile {
    /// The target, named in messages.
    let path: String
    let temporaryPath: String
    private let handle: FileHandle
    private var done = false

    /// Creates the temporary file (by default `TemporaryPath.beside(path)`).
    init(path: String, temporaryPath: String? = nil) throws {
        self.path = path
        let temporary = temporaryPath ?? TemporaryPath.beside(path)
        if temporaryPath != nil { TemporaryPath.hold(temporary) }
        self.temporaryPath = temporary
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forUpdatingAtPath: temporary) else {
            let reason = String(cString: strerror(errno))
            TemporaryPath.release(temporary)
            throw ConvoyError("\(path): cannot create the output (\(reason)).", exitCode: ConvoyError.cannotCreate)
        }
        self.handle = handle
    }

    deinit { discard() }

    func write(_ data: Data) throws {
        try attempt { try handle.write(contentsOf: data) }
    }

    func write(line: String) throws {
        try write(Data((line + "\n").utf8))
    }

    /// Moves the write position (to rewrite a header in place).
    func seek(to offset: UInt64) throws {
        try attempt { try handle.seek(toOffset: offset) }
    }

    /// Appends everything written to `other` so far, in chunks (bounded memory).
    func append(contentsOf other: StagedFile) throws {
        try attempt {
            try other.handle.synchronize()
            guard let input = FileHandle(forReadingAtPath: other.temporaryPath) else { return }
            defer { try? input.close() }
            while let chunk = try input.read(upToCount: 1 << 22), !chunk.isEmpty { try handle.write(contentsOf: chunk) }
        }
    }

    /// Closes the file and renames it onto the target.
    func finish() throws {
        precondition(!done, "finish after finish or discard")
        done = true
        defer { TemporaryPath.release(temporaryPath) }
        do {
            try attempt { try handle.close() }
        } catch {
            unlink(temporaryPath)
            throw error
        }
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw ConvoyError("\(path): cannot create the output (\(reason)).", exitCode: ConvoyError.cannotCreate)
        }
    }

    /// Closes and removes the temporary file; the target is untouched.
    func discard() {
        guard !done else { return }
        done = true
        try? handle.close()
        unlink(temporaryPath)
        TemporaryPath.release(temporaryPath)
    }

    /// Runs a file operation; a failure becomes one line naming the target: exit 73 when the disk,
    /// a quota or the file-size limit is full (as for an output that cannot be created), else 74.
    private func attempt(_ body: () throws -> Void) throws {
        do { try body() } catch {
            let error = error as NSError
            let posix = [error, error.userInfo[NSUnderlyingErrorKey] as? NSError]
                .compactMap { $0 }.first { $0.domain == NSPOSIXErrorDomain }.map { Int32($0.code) }
            let outOfSpace = (error.domain == NSCocoaErrorDomain && error.code == CocoaError.fileWriteOutOfSpace.rawValue)
                || posix.map { [ENOSPC, EDQUOT, EFBIG].contains($0) } == true
            if outOfSpace {
                let reason = posix.map { String(cString: strerror($0)) } ?? String(cString: strerror(ENOSPC))
                throw ConvoyError("\(path): cannot write the output (\(reason)).", exitCode: ConvoyError.cannotCreate)
            }
            throw ConvoyError("\(path): writing failed (\(error.localizedDescription)).", exitCode: ConvoyError.ioError)
        }
    }
}
