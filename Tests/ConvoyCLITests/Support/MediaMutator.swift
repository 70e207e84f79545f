import ConvoyTensor
import Foundation

/// Damages a media file the ways files are damaged in the world, repeatably from a seed: cut short,
/// bytes flipped, two chunks of the container's own structure swapped, a header zeroed.
///
/// The chunks are the container's: boxes for mp4 (descending into moov, trak, mdia, minf, stbl,
/// …), RIFF chunks and LISTs for avi, EBML elements for Matroska (into Segment, Cluster, Tracks,
/// …), the start-coded packets of nut, the FRAME records of y4m and the frames of raw video, so a
/// swap moves whole units the demuxer will meet in the wrong place, as a badly joined file has.
struct MediaMutator {
    enum Container: String, CaseIterable {
        case mp4, matroska, avi, nut, y4m, raw
    }

    enum Mutation: String, CaseIterable {
        case truncate, flipBytes, swapChunks, zeroHeader
    }

    /// One chunk: where it starts, how long it is (header included) and which chunk holds it
    /// (nil: the file), so that siblings can be swapped.
    struct Chunk: Equatable {
        var start: Int
        var length: Int
        var parent: Int?
    }

    let container: Container
    /// For raw video: the bytes of one frame.
    var rawFrameSize = 0

    /// `data` damaged by `mutation`, and a sentence saying exactly what was done (for a failure
    /// message: the seed alone repeats it).
    func mutate(_ data: Data, _ mutation: Mutation, random: inout SplitMix64) -> (data: Data, description: String) {
        var bytes = [UInt8](data)
        guard bytes.count > 16 else { return (data, "too short to damage") }
        let description: String
        switch mutation {
        case .truncate:
            let keep = Int.random(in: 1..<bytes.count, using: &random)
            bytes.removeSubrange(keep...)
            description = "cut to \(keep) of \(data.count) bytes"
        case .flipBytes:
            // Half the time near the start, where the headers are.
            let span = Bool.random(using: &random) ? min(bytes.count, 4096) : bytes.count
            let count = Int.random(in: 1...16, using: &random)
            var offsets: [Int] = []
            for _ in 0..<count {
                let offset = Int.random(in: 0..<span, using: &random)
                bytes[offset] ^= UInt8.random(in: 1...255, using: &random)
                offsets.append(offset)
            }
            description = "bytes flipped at \(offsets)"
        case .swapChunks:
            description = swap(&bytes, random: &random)
        case .zeroHeader:
            let chunks = self.chunks(bytes)
            if !chunks.isEmpty && Bool.random(using: &random) {
                let chunk = chunks[Int.random(in: 0..<chunks.count, using: &random)]
                let length = min(chunk.length, Int.random(in: 4...16, using: &random))
                bytes.replaceSubrange(chunk.start..<chunk.start + length, with: repeatElement(0, count: length))
                description = "\(length) bytes zeroed at the chunk starting at \(chunk.start)"
            } else {
                let length = min(bytes.count, Int.random(in: 4...256, using: &random))
                bytes.replaceSubrange(0..<length, with: repeatElement(0, count: length))
                description = "the first \(length) bytes zeroed"
            }
        }
        return (Data(bytes), description)
    }

    /// Swaps two sibling chunks (two random blocks of one length when the structure gives none).
    private func swap(_ bytes: inout [UInt8], random: inout SplitMix64) -> String {
        let chunks = self.chunks(bytes)
        let families = Dictionary(grouping: chunks.indices, by: { chunks[$0].parent ?? -1 }).values.filter { $0.count >= 2 }
        if let family = families.sorted(by: { $0[0] < $1[0] }).randomElement(using: &random) {
            let picked = family.shuffled(using: &random).prefix(2).sorted()
            let (first, second) = (chunks[picked[0]], chunks[picked[1]])
            if first.start + first.length <= second.start {
                let a = Array(bytes[first.start..<first.start + first.length])
                let middle = Array(bytes[first.start + first.length..<second.start])
                let b = Array(bytes[second.start..<second.start + second.length])
                bytes.replaceSubrange(first.start..<second.start + second.length, with: b + middle + a)
                return "chunks at \(first.start) (\(first.length) bytes) and \(second.start) (\(second.length) bytes) swapped"
            }
        }
        let length = Int.random(in: 1...max(1, bytes.count / 8), using: &random)
        let a = Int.random(in: 0...(bytes.count - 2 * length), using: &random)
        let b = Int.random(in: (a + length)...(bytes.count - length), using: &random)
        let first = Array(bytes[a..<a + length])
        bytes.replaceSubrange(a..<a + length, with: bytes[b..<b + length])
        bytes.replaceSubrange(b..<b + length, with: first)
        return "blocks of \(length) bytes at \(a) and \(b) swapped"
    }

    /// The container's chunks, parents before children.
    func chunks(_ bytes: [UInt8]) -> [Chunk] {
        var found: [Chunk] = []
        switch container {
        case .mp4: mp4Boxes(bytes, 0..<bytes.count, parent: nil, into: &found)
        case .avi: riffChunks(bytes, 0..<bytes.count, parent: nil, into: &found)
        case .matroska: ebmlElements(bytes, 0..<bytes.count, parent: nil, into: &found)
        case .nut: found = startCodedPackets(bytes)
        case .y4m: found = records(bytes, marker: Array("FRAME".utf8))
        case .raw:
            guard rawFrameSize > 0 else { break }
            found = stride(from: 0, to: bytes.count, by: rawFrameSize).map {
                Chunk(start: $0, length: min(rawFrameSize, bytes.count - $0), parent: nil)
            }
        }
        return found
    }

    private static let mp4Containers: Set<String> = ["moov", "trak", "mdia", "minf", "stbl", "dinf", "edts", "udta", "mvex", "moof", "traf"]

    private func mp4Boxes(_ bytes: [UInt8], _ range: Range<Int>, parent: Int?, into found: inout [Chunk]) {
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            var size = Int(bigEndian: bytes, at: offset, count: 4)
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            var header = 8
            if size == 1, offset + 16 <= range.upperBound {
                size = Int(bigEndian: bytes, at: offset + 8, count: 8)
                header = 16
            } else if size == 0 {
                size = range.upperBound - offset
            }
            guard size >= header, offset + size <= range.upperBound else { return }
            found.append(Chunk(start: offset, length: size, parent: parent))
            if MediaMutator.mp4Containers.contains(type) {
                mp4Boxes(bytes, offset + header..<offset + size, parent: found.count - 1, into: &found)
            }
            offset += size
        }
    }

    private func riffChunks(_ bytes: [UInt8], _ range: Range<Int>, parent: Int?, into found: inout [Chunk]) {
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(littleEndian: bytes, at: offset + 4, count: 4)
            let length = 8 + size + size % 2
            guard offset + 8 + size <= range.upperBound else { return }
            found.append(Chunk(start: offset, length: min(length, range.upperBound - offset), parent: parent))
            if id == "RIFF" || id == "LIST", size >= 4 {
                riffChunks(bytes, offset + 12..<offset + 8 + size, parent: found.count - 1, into: &found)
            }
            offset += length
        }
    }

    /// Matroska's master elements Convoy's demuxer descends into.
    private static let ebmlMasters: Set<Int> = [0x1853_8067, 0x1F43_B675, 0x1654_AE6B, 0xAE, 0x114D_9B74, 0x1549_A966, 0x1C53_BB6B, 0xA0]

    private func ebmlElements(_ bytes: [UInt8], _ range: Range<Int>, parent: Int?, into found: inout [Chunk]) {
        var offset = range.lowerBound
        while offset < range.upperBound {
            guard let id = ebmlNumber(bytes, at: offset, limit: range.upperBound, keepMarker: true),
                  let size = ebmlNumber(bytes, at: offset + id.length, limit: range.upperBound, keepMarker: false) else { return }
            let header = id.length + size.length
            let unknown = size.value == (1 << (7 * size.length)) - 1
            let length = unknown ? range.upperBound - offset : header + size.value
            guard length > 0, offset + length <= range.upperBound else { return }
            found.append(Chunk(start: offset, length: length, parent: parent))
            if MediaMutator.ebmlMasters.contains(id.value) {
                ebmlElements(bytes, offset + header..<offset + length, parent: found.count - 1, into: &found)
            }
            offset += length
        }
    }

    /// An EBML variable-length number at `offset`: its value (with its length marker for IDs) and
    /// how many bytes it takes.
    private func ebmlNumber(_ bytes: [UInt8], at offset: Int, limit: Int, keepMarker: Bool) -> (value: Int, length: Int)? {
        guard offset < limit, bytes[offset] != 0 else { return nil }
        let length = bytes[offset].leadingZeroBitCount + 1
        guard offset + length <= limit else { return nil }
        var value = keepMarker ? Int(bytes[offset]) : Int(bytes[offset]) & (0xFF >> length)
        for byte in bytes[offset + 1..<offset + length] { value = value << 8 | Int(byte) }
        return (value, length)
    }

    /// nut's packets: each begins with one of its 64-bit start codes (main, stream, syncpoint,
    /// index, info headers), whose first byte is "N".
    private func startCodedPackets(_ bytes: [UInt8]) -> [Chunk] {
        let codes: Set<Int> = [0x4E4D_7A56_1F5F_04AD, 0x4E53_1140_5BF2_F9DB, 0x4E4B_E4AD_EECA_4569, 0x4E58_DD67_2F23_E64E, 0x4E49_AB68_B596_BA78]
        var starts: [Int] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            if bytes[offset] == 0x4E, codes.contains(Int(bigEndian: bytes, at: offset, count: 8)) { starts.append(offset) }
            offset += 1
        }
        return zip(starts, starts.dropFirst() + [bytes.count]).map { Chunk(start: $0, length: $1 - $0, parent: nil) }
    }

    /// Records that begin with `marker` (y4m's FRAME lines), each up to the next.
    private func records(_ bytes: [UInt8], marker: [UInt8]) -> [Chunk] {
        var starts: [Int] = []
        var offset = 0
        while offset + marker.count <= bytes.count {
            if bytes[offset] == marker[0], Array(bytes[offset..<offset + marker.count]) == marker { starts.append(offset) }
            offset += 1
        }
        return zip(starts, starts.dropFirst() + [bytes.count]).map { Chunk(start: $0, length: $1 - $0, parent: nil) }
    }
}

private extension Int {
    init(bigEndian bytes: [UInt8], at offset: Int, count: Int) {
        self = bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }

    init(littleEndian bytes: [UInt8], at offset: Int, count: Int) {
        self = bytes[offset..<offset + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
