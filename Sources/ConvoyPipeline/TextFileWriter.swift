import Foundation

/// A text file written line by line to a temporary file and renamed onto its target at the end.
final class TextFileWriter {
    let path: String
    private let temporaryPath: String
    private let handle: FileHandle
    private var done = false

    init(path: String) throws {
        self.path = path
        temporaryPath = TemporaryPath.beside(path)
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporaryPath) else {
            throw ConvoyError("\(path): cannot create the output (\(String(cString: strerror(errno)))).", exitCode: ConvoyError.cannotCreate)
        }
        self.handle = handle
    }

    deinit { discard() }

    func write(line: String) throws {
        do { try handle.write(contentsOf: Data((line + "\n").utf8)) } catch {
            throw ConvoyError("\(path): writing failed (\(error.localizedDescription)).", exitCode: ConvoyError.ioError)
        }
    }

    func finish() throws {
        guard !done else { return }
        defer { TemporaryPath.release(temporaryPath) }
        done = true
        try? handle.close()
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw ConvoyError("\(path): cannot create the output (\(reason)).", exitCode: ConvoyError.cannotCreate)
        }
    }

    func discard() {
        guard !done else { return }
        defer { TemporaryPath.release(temporaryPath) }
        done = true
        try? handle.close()
        unlink(temporaryPath)
    }
}
