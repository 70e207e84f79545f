import ConvoyFiles
import Foundation

/// The hidden folder an image output's pictures are written into (`.convoy-PID-NAME.tmp` beside
/// the target), moved onto their own names only when the whole run succeeded, so a failed or
/// interrupted run leaves no picture behind. The folder and each picture in it are registered
/// with `TemporaryFiles`, so an abort removes them.
final class ImageStaging {
    let output: ImageOutput
    /// The staging folder.
    let folder: String
    /// The file name pattern the image2 muxer writes in the staging folder, numbered from 1.
    let pattern: String
    /// For each picture written so far: the index of the source picture it came from.
    private(set) var sourceIndices: [Int] = []
    /// The output folder, when Convoy had to create it (removed again on failure while empty).
    private var createdDirectory: String?
    private var done = false

    /// Creates the staging folder (and, for a folder output, the folder itself when missing).
    ///
    /// - Throws: `MediaError.cannotStage` when either cannot be created.
    init(output: ImageOutput) throws {
        self.output = output
        let directory = output.directory
        var isDirectory: ObjCBool = false
        if case .folder = output.layout, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard mkdir(directory, 0o777) == 0 else {
                throw MediaError.cannotStage(output: output.displayName, reason: String(cString: strerror(errno)))
            }
            createdDirectory = directory
        }
        let label = (output.displayName as NSString).lastPathComponent.replacingOccurrences(of: "%", with: "_")
        folder = (directory as NSString).appendingPathComponent(".convoy-\(getpid())-\(label).tmp")
        guard mkdir(folder, 0o700) == 0 else {
            let reason = String(cString: strerror(errno))
            if let created = createdDirectory { rmdir(created) }
            throw MediaError.cannotStage(output: output.displayName, reason: reason)
        }
        TemporaryFiles.register(folder)
        pattern = (folder as NSString).appendingPathComponent("%09d.\(output.fileExtension)")
    }

    deinit { discard() }

    /// The staged file of the `written`-th picture (from 0).
    private func stagedPath(_ written: Int) -> String { ImageOutput.fill(pattern, number: written + 1) }

    /// Notes that the muxer wrote the next picture, made from source picture `sourceIndex`.
    ///
    /// - Throws: `MediaError.singlePictureOutput` when a one-picture output gets a second.
    func willWrite(sourceIndex: Int) throws {
        if case .single = output.layout, !sourceIndices.isEmpty {
            throw MediaError.singlePictureOutput(output: output.displayName)
        }
        TemporaryFiles.register(stagedPath(sourceIndices.count))
        sourceIndices.append(sourceIndex)
    }

    /// Moves every staged picture onto its name, after checking that no two share a name, that
    /// none is an input file, and (without `overwrite`) that none exists; then removes the
    /// staging folder. Nothing is moved when a check fails.
    func finish() throws {
        precondition(!done, "finish after finish or discard")
        let targets = sourceIndices.enumerated().map { output.path(written: $0.offset, sourceIndex: $0.element) }
        var seen = Set<String>()
        for target in targets where !seen.insert(target).inserted {
            discard()
            throw MediaError.duplicateOutputName(output: target)
        }
        var inputs = Set<[UInt64]>()
        for path in output.sourcePaths {
            var info = stat()
            if stat(path, &info) == 0 { inputs.insert([UInt64(info.st_dev), UInt64(info.st_ino)]) }
        }
        for target in targets {
            var info = stat()
            guard stat(target, &info) == 0 else { continue }
            if inputs.contains([UInt64(info.st_dev), UInt64(info.st_ino)]) {
                discard()
                throw MediaError.outputIsInput(output: target)
            }
            if !output.overwrite {
                discard()
                throw MediaError.outputExists(output: target)
            }
        }
        done = true
        for (written, target) in targets.enumerated() {
            let staged = stagedPath(written)
            if rename(staged, target) != 0 {
                let reason = String(cString: strerror(errno))
                done = false
                discard()
                throw MediaError.cannotStage(output: target, reason: reason)
            }
            TemporaryFiles.unregister(staged)
        }
        rmdir(folder)
        TemporaryFiles.unregister(folder)
    }

    /// Removes the staged pictures and the staging folder (and an output folder Convoy made).
    func discard() {
        guard !done else { return }
        done = true
        for written in sourceIndices.indices {
            unlink(stagedPath(written))
            TemporaryFiles.unregister(stagedPath(written))
        }
        rmdir(folder)
        TemporaryFiles.unregister(folder)
        if let createdDirectory { rmdir(createdDirectory) }
    }
}
