import ConvoyFeatures
import Foundation
import FuzzDriver

/// The `.npy` writer's round trip: the input chooses an item shape (any rank up to 8, dimensions
/// up to 2^31) and frames of floats; what `NpyWriter` writes is read back here by the NumPy
/// format 1.0 rules (magic, version, little-endian header length, a header dictionary whose
/// total length is a multiple of 64, then the data) and must give the same shape and bytes.
@main
enum FuzzNpy {
    static func main() {
        let path = Fuzzer.scratch + "/features.npy"
        Fuzzer.run { data in
            var bytes = Array(data)
            func take() -> UInt8 { bytes.isEmpty ? 0 : bytes.removeFirst() }
            let rank = Int(take() % 9)
            var shape: [Int] = []
            for _ in 0 ..< rank {
                let kind = take()
                if kind < 200 {
                    shape.append(Int(kind % 6))
                } else {
                    var wide = 0
                    for _ in 0 ..< 4 { wide = wide << 8 | Int(take()) }
                    shape.append(wide & 0x7FFF_FFFF)
                }
            }
            let elements = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            let frames = elements <= 4096 ? Int(take() % 4) : 0
            var written: [Float] = []
            do {
                let writer = try NpyWriter(path: path, itemShape: shape)
                for _ in 0 ..< frames {
                    let frame = (0 ..< elements).map { _ -> Float in
                        let high = UInt32(take()) << 24, middle = UInt32(take()) << 8
                        return Float(bitPattern: high | middle | UInt32(take()))
                    }
                    written += frame
                    try frame.withUnsafeBufferPointer { try writer.append($0.baseAddress ?? UnsafePointer(bitPattern: 16)!) }
                }
                try writer.finish()
            } catch {
                Fuzzer.fail("writing [\(frames)] + \(shape): \(error)")
            }
            guard let file = FileManager.default.contents(atPath: path) else { Fuzzer.fail("no file written") }
            let (readShape, payload) = read(file)
            guard readShape == [frames] + shape else { Fuzzer.fail("wrote [\(frames)] + \(shape), read \(readShape)") }
            let expected = written.withUnsafeBytes { Data($0) }
            guard payload == expected else { Fuzzer.fail("shape \(readShape): the data differs (\(payload.count) bytes read, \(expected.count) written)") }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Reads a NumPy 1.0 file of little-endian float32 in C order: its shape and data.
    static func read(_ file: Data) -> (shape: [Int], data: Data) {
        let bytes = [UInt8](file)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8), bytes[6] == 1, bytes[7] == 0 else {
            Fuzzer.fail("not a NumPy 1.0 file")
        }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        guard (10 + headerLength) % 64 == 0, bytes.count >= 10 + headerLength, bytes[9 + headerLength] == 0x0A else {
            Fuzzer.fail("header of \(headerLength) bytes")
        }
        let header = String(decoding: bytes[10 ..< 10 + headerLength], as: UTF8.self)
        guard header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': ("),
              let open = header.firstIndex(of: "("), let close = header.firstIndex(of: ")") else {
            Fuzzer.fail("header \(header.debugDescription)")
        }
        let dimensions = header[header.index(after: open) ..< close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let shape = dimensions.map { Int($0) ?? -1 }
        let count = shape.contains(0) ? 0 : shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max / 8 : $0 * $1 }
        guard bytes.count == 10 + headerLength + 4 * count else {
            Fuzzer.fail("\(bytes.count - 10 - headerLength) data bytes for shape \(shape)")
        }
        return (shape, Data(bytes[(10 + headerLength)...]))
    }
}
