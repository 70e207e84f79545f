import ConvoyMedia
import Foundation

/// One `.safetensors` file: a tensor per model output, `[frames, …]` in F32, and `pts`, the frame
/// times in seconds as F64 `[frames]`; `__metadata__` records the frame indices' source.
///
/// safetensors puts the header first, and the header holds the sizes, so each tensor streams to a
/// temporary data file while the video runs; `finish()` writes the header and copies the data in.
final class SafeTensorsFeatureSink: FeatureSink {
    private let path: String
    private let outputs: [(name: String, itemShape: [Int])]
    private let parts: [String]
    private let handles: [FileHandle]
    private var times: [Double] = []
    private var indices: [Int] = []
    private var done = false

    init(path: String, outputs: [(name: String, itemShape: [Int])]) throws {
        self.path = path
        self.outputs = outputs
        let base = TemporaryPath.beside(path)
        TemporaryPath.release(base)
        parts = outputs.indices.map { "\(base).part\($0)" }
        for part in parts { TemporaryFiles.register(part) }
        var handles: [FileHandle] = []
        for part in parts {
            guard FileManager.default.createFile(atPath: part, contents: nil), let handle = FileHandle(forWritingAtPath: part) else {
                for handle in handles { try? handle.close() }
                for part in parts { unlink(part) }
                throw ConvoyError("\(path): cannot create the output (\(String(cString: strerror(errno)))).", exitCode: ConvoyError.cannotCreate)
            }
            handles.append(handle)
        }
        self.handles = handles
    }

    deinit { discard() }

    func append(frame values: [UnsafePointer<Float>], index: Int, time: Double) throws {
        for (offset, pointer) in values.enumerated() {
            let count = outputs[offset].itemShape.reduce(1, *)
            do { try handles[offset].write(contentsOf: Data(bytes: pointer, count: count * 4)) } catch {
                throw ConvoyError("\(path): writing failed (\(error.localizedDescription)).", exitCode: ConvoyError.ioError)
            }
        }
        times.append(time)
        indices.append(index)
    }

    func finish() throws {
        for handle in handles { try? handle.close() }
        let frames = times.count
        var header: [String: Any] = [:]
        var offset = 0
        for output in outputs {
            let bytes = frames * output.itemShape.reduce(1, *) * 4
            header[output.name] = ["dtype": "F32", "shape": [frames] + output.itemShape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        header["pts"] = ["dtype": "F64", "shape": [frames], "data_offsets": [offset, offset + frames * 8]]
        header["__metadata__"] = ["format": "pt", "producer": "convoy features",
                                  "frame_indices": indices.map(String.init).joined(separator: ",")]
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        let temporary = TemporaryPath.beside(path)
        defer {
            for part in parts {
                unlink(part)
                TemporaryPath.release(part)
            }
            TemporaryPath.release(temporary)
        }
        do {
            guard FileManager.default.createFile(atPath: temporary, contents: nil),
                  let out = FileHandle(forWritingAtPath: temporary) else {
                throw ConvoyError("\(path): cannot create the output (\(String(cString: strerror(errno)))).", exitCode: ConvoyError.cannotCreate)
            }
            defer { try? out.close() }
            var length = UInt64(json.count).littleEndian
            try out.write(contentsOf: Data(bytes: &length, count: 8))
            try out.write(contentsOf: json)
            for part in parts {
                guard let input = FileHandle(forReadingAtPath: part) else { continue }
                defer { try? input.close() }
                while let chunk = try input.read(upToCount: 1 << 22), !chunk.isEmpty { try out.write(contentsOf: chunk) }
            }
            try out.write(contentsOf: times.withUnsafeBufferPointer { Data(buffer: $0) })
        } catch let error as ConvoyError {
            unlink(temporary)
            throw error
        } catch {
            unlink(temporary)
            throw ConvoyError("\(path): writing failed (\(error.localizedDescription)).", exitCode: ConvoyError.ioError)
        }
        done = true
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ConvoyError("\(path): cannot create the output (\(reason)).", exitCode: ConvoyError.cannotCreate)
        }
    }

    func discard() {
        guard !done else { return }
        done = true
        for handle in handles { try? handle.close() }
        for part in parts {
            unlink(part)
            TemporaryPath.release(part)
        }
    }
}
