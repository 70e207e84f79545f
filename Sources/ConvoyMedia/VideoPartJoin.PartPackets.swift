import CFFmpeg

extension VideoPartJoin {
    /// The video packets of the parts, one part after another, in one time base, each with a
    /// decoding time. Matroska stores none, and its demuxer can give none for a part's first
    /// packets (until B-frame reordering is known); the muxer needs them rising across the parts'
    /// seams, so those few are given times between the packet written before and the first
    /// known one (never after their presentation time).
    final class PartPackets {
        private let parts: [String]
        private let timeBase: AVRational
        private var partIndex = 0
        private var current: InputFile?
        private var queue: [Packet] = []
        /// The decoding time of the packet handed out last.
        private var lastDTS: Int64?
        /// How many packets without a decoding time are held back looking for one.
        private static let lookahead = 32

        /// What each part's times are moved by, in its own time base.
        private let offsets: [Int64]

        /// Reads `parts` in order, in `timeBase` (part 0's video time base), each part's times
        /// moved by its entry of `offsets` first.
        init(parts: [String], first: InputFile, timeBase: AVRational, offsets: [Int64]) {
            self.parts = parts
            self.timeBase = timeBase
            self.offsets = offsets
            current = first
        }

        /// The next packet, or nil after the last part.
        func next() throws -> Packet? {
            if queue.isEmpty { try fill() }
            guard !queue.isEmpty else { return nil }
            let packet = queue.removeFirst()
            lastDTS = packet.dts
            return packet
        }

        /// The next video packet of the parts as it was stored, rescaled; nil after the last part.
        private func read() throws -> Packet? {
            while let file = current {
                let packet = Packet()
                while try file.read(into: packet) {
                    guard packet.streamIndex == file.videoStreamIndex else { continue }
                    packet.shift(by: offsets[partIndex])
                    packet.rescale(from: file.stream(file.videoStreamIndex).pointee.time_base, to: timeBase)
                    return packet
                }
                partIndex += 1
                current = partIndex < parts.count ? try InputFile(parts[partIndex]) : nil
            }
            return nil
        }

        /// Queues the next packet, and with it any run of packets without a decoding time up to
        /// the first that has one.
        private func fill() throws {
            guard let packet = try read() else { return }
            let none = convoy_nopts_value()
            guard packet.dts == none else {
                queue.append(packet)
                return
            }
            var pending = [packet]
            var known: Packet? = nil
            while pending.count < PartPackets.lookahead, let next = try read() {
                if next.dts != none {
                    known = next
                    break
                }
                pending.append(next)
            }
            let count = Int64(pending.count)
            for (position, waiting) in pending.enumerated() {
                let offset = Int64(position)
                var dts: Int64
                if let upper = known?.dts {
                    if let lower = lastDTS, upper - lower > count {
                        dts = lower + (offset + 1) * (upper - lower) / (count + 1)
                    } else {
                        dts = upper - (count - offset)
                    }
                } else {
                    dts = waiting.pts
                }
                if waiting.pts != none { dts = min(dts, waiting.pts) }
                waiting.setDecodingTime(dts)
            }
            queue = pending + (known.map { [$0] } ?? [])
        }
    }
}
