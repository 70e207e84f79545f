import ConvoyFilters
import ConvoyPipeline
import ConvoyTensor
import Foundation
import XCTest

/// Feeds the pipeline-file parser thousands of seeded files — the shipped pipelines mutated
/// character by character and line by line, keys and values swapped for random ones (wrong
/// types, huge numbers, unicode, YAML tags and anchors), every truncation, random documents and
/// random bytes. Each must parse into a consistent spec or throw a `ConvoyError` (exit 65) whose
/// message is one line naming the file, and never crash.
final class PipelineSpecFuzzTests: XCTestCase {
    private static let seeds = [
        """
        # Blur: a 5×5 Gaussian on R, G and B.
        space: rgb
        border: replicate
        batch: 8
        kernels:
          - gaussian:sigma=1.2,size=5
        encoder:
          codec: libx264
          crf: 20
          preset: veryfast
          pix_fmt: yuv420p
        """,
        """
        space: luma
        chroma: neutral
        border: reflect
        batch: 4
        format: matroska
        kernels:
          - gaussian
          - sobel
          - "[1 2 1; 2 4 2; 1 2 1]/16"
        encoder:
          codec: ffv1
          bitrate: 1000000
        """,
        "model: ../Samples/Models/soften.yaml\nbatch: 8\nencoder: {codec: libx264, crf: 20, preset: veryfast}\n",
        "kernels: [box, emboss, 'laplacian:scale=-1,bias=0.5']\nspace: yuv\nborder: zero\n",
    ]
    private static let keys = ["space", "chroma", "border", "batch", "kernels", "model", "format", "encoder",
                               "codec", "crf", "preset", "bitrate", "pix_fmt", "Space", "kernel", "speed", "é", "🎞", ""]
    private static let values = [
        "rgb", "yuv", "luma", "hsv", "keep", "neutral", "grey", "zero", "replicate", "reflect", "wrap",
        "0", "1", "8", "256", "257", "-1", "-0", "1.5", "1e400", "-1e400", ".nan", ".inf", "-.inf", "0x7fffffffffffffff",
        "0o777", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999",
        "true", "false", "null", "~", "''", "\"\"", "[]", "{}", "[1, 2]", "{a: 1}", "[box, sobel]", "[[box]]",
        "[blurry]", "[\"[1 2; 3 4]\"]", "[\"[1 2 1]/0\"]", "gaussian:sigma=1e308", "!!binary aGVsbG8=", "!!str 5",
        "!!int x", "!custom x", "&a box", "*a", "*nosuch", "|\n  two\n  lines", ">\n  folded", "\"a\\nb\"", "\"\\u0000\"",
        "\"\\u202E\"", "é", "🎞️", "\u{FEFF}", "ラスタ", "\"\(String(repeating: "x", count: 5000))\"",
        "[" + Array(repeating: "box", count: 300).joined(separator: ", ") + "]",
    ]
    private static let alphabet = Array("abcdefgikmnoprsuxyz0123456789 \n\t:-[]{},#&*!|>'\"%@?.=/\\é🎞\u{0}\u{FEFF}\u{2028}")

    private var generator = SplitMix64(seed: 0x9E_5EED)

    private func random(_ range: Range<Int>) -> Int { Int.random(in: range, using: &generator) }
    private func pick<T>(_ items: [T]) -> T { items.randomElement(using: &generator)! }

    /// Inserts, deletes, replaces characters or cuts the text short, one to four times.
    private func mutatedCharacters(_ text: String) -> String {
        var characters = Array(text)
        for _ in 0 ..< 1 + random(0..<4) {
            let position = random(0 ..< characters.count + 1)
            switch random(0..<4) {
            case 0 where position < characters.count: characters.remove(at: position)
            case 1: characters.insert(pick(Self.alphabet), at: position)
            case 2 where position < characters.count: characters[position] = pick(Self.alphabet)
            default: characters = Array(characters.prefix(position + random(0..<8)))
            }
        }
        return String(characters)
    }

    /// Drops, duplicates, swaps or re-indents lines, or gives a `key: value` line another key or value.
    private func mutatedLines(_ text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        for _ in 0 ..< 1 + random(0..<3) {
            let index = random(0 ..< lines.count)
            switch random(0..<7) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[index], at: index)
            case 2: lines.swapAt(index, random(0 ..< lines.count))
            case 3: lines[index] = String(repeating: " ", count: random(0..<5)) + lines[index].trimmingCharacters(in: .whitespaces)
            case 4: lines.insert("\(pick(Self.keys)): \(pick(Self.values))", at: index)
            default:
                let line = lines[index]
                let indent = String(line.prefix { $0 == " " })
                if let colon = line.firstIndex(of: ":") {
                    lines[index] = random(0..<2) == 0
                        ? indent + pick(Self.keys) + String(line[colon...])
                        : String(line[...colon]) + " " + pick(Self.values)
                } else {
                    lines[index] = indent + "- " + pick(Self.values)
                }
            }
            if lines.isEmpty { break }
        }
        return lines.joined(separator: "\n")
    }

    /// A document built from the known keys (and some unknown ones) with random values, block or flow style.
    private func randomDocument() -> String {
        var entries: [String] = []
        for _ in 0 ..< random(0..<7) {
            let key = pick(Self.keys)
            if key == "encoder" && random(0..<2) == 0 {
                let inner = (0 ..< random(0..<4)).map { _ in "\(pick(Self.keys)): \(pick(Self.values))" }
                entries.append("encoder: {\(inner.joined(separator: ", "))}")
            } else if key == "kernels" && random(0..<2) == 0 {
                let items = (0 ..< random(0..<4)).map { _ in "  - " + pick(Self.values) }
                entries.append((["kernels:"] + items).joined(separator: "\n"))
            } else {
                entries.append("\(key): \(pick(Self.values))")
            }
        }
        return entries.joined(separator: "\n")
    }

    private func randomBytes() -> String {
        String(decoding: (0 ..< random(0..<120)).map { _ in UInt8.random(in: 0...255, using: &generator) }, as: UTF8.self)
    }

    private func check(_ text: String, outcomes: inout [String: Int]) {
        do {
            let spec = try PipelineSpec.parse(text, name: "fuzz.yaml")
            outcomes["parsed", default: 0] += 1
            XCTAssertTrue((1...256).contains(spec.batch), text)
            XCTAssertNotEqual(spec.kernels.isEmpty, spec.model == nil, text)
            XCTAssertTrue(spec.chroma == .keep || spec.space == .luma, text)
            XCTAssertEqual(try spec.kernels.map(KernelSpec.parse), spec.chain?.kernels ?? [], "the chain holds every kernel, parsed: \(text)")
            XCTAssertEqual(spec.chain == nil, spec.model != nil, text)
        } catch let error as ConvoyError {
            let message = error.message
            outcomes[category(message), default: 0] += 1
            XCTAssertEqual(error.exitCode, ConvoyError.dataError, "\(text.debugDescription) -> \(message)")
            XCTAssertTrue(message.hasPrefix("fuzz.yaml: "), "\(text.debugDescription) -> \(message)")
            XCTAssertGreaterThan(message.count, "fuzz.yaml: ".count + 3, "\(text.debugDescription) -> \(message)")
            XCTAssertFalse(message.contains { $0.isNewline }, "\(text.debugDescription) -> \(message.debugDescription)")
            XCTAssertLessThan(message.count, 600, "\(text.debugDescription) -> \(message)")
        } catch {
            XCTFail("\(text.debugDescription) threw an untyped error: \(error)")
        }
    }

    /// A coarse name for a rejection, so the test can show the generators reach many kinds.
    private func category(_ message: String) -> String {
        for marker in ["unknown key", "is missing", "kernels[", "unknown border", "batch", "not both", "empty",
                       "needs space: luma", "not a valid pipeline file", "Expected", "unknown space", "unknown chroma mode"]
        where message.contains(marker) {
            return marker
        }
        return "other"
    }

    func testMutatedAndRandomFilesNeverCrash() {
        var outcomes: [String: Int] = [:]
        for _ in 0..<2000 { check(mutatedCharacters(pick(Self.seeds)), outcomes: &outcomes) }
        for _ in 0..<2000 { check(mutatedLines(pick(Self.seeds)), outcomes: &outcomes) }
        for _ in 0..<1500 { check(randomDocument(), outcomes: &outcomes) }
        for _ in 0..<500 { check(randomBytes(), outcomes: &outcomes) }
        for seed in Self.seeds {
            for length in 0...seed.count { check(String(seed.prefix(length)), outcomes: &outcomes) }
        }
        XCTAssertGreaterThan(outcomes["parsed", default: 0], 200, "\(outcomes)")
        for kind in ["unknown key", "is missing", "kernels[", "unknown border", "unknown space", "batch", "Expected",
                     "not a valid pipeline file"] {
            XCTAssertGreaterThan(outcomes[kind, default: 0], 5, "\(kind): \(outcomes)")
        }
        print("pipeline fuzz outcomes: \(outcomes.sorted { $0.key < $1.key })")
    }

    /// Deep nesting and alias chains: still one error line (or a spec), no stack overflow.
    func testDeeplyNestedFilesNeverCrash() {
        var outcomes: [String: Int] = [:]
        for depth in [10, 1_000, 20_000] {
            check("kernels: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth), outcomes: &outcomes)
            check("encoder: " + String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth), outcomes: &outcomes)
            check(String(repeating: "- ", count: depth) + "box", outcomes: &outcomes)
        }
        var aliases = "a0: &a0 [box, box]\n"
        for level in 1..<12 { aliases += "a\(level): &a\(level) [*a\(level - 1), *a\(level - 1)]\n" }
        check(aliases + "kernels: *a11", outcomes: &outcomes)
    }
}
