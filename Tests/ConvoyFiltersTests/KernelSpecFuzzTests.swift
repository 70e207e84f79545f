import ConvoyTensor
import ConvoyFilters
import XCTest

/// Feeds the parser thousands of seeded random and mutated specs: each must either give a valid
/// kernel or throw a `KernelSpecError` with a one-line message, and never crash.
final class KernelSpecFuzzTests: XCTestCase {
    private static let seeds = [
        "gaussian:sigma=1.5,size=5", "box:size=5", "sobel:scale=2", "[1 2 1; 2 4 2; 1 2 1]/16",
        "[-1 0 1]", "[0.5, -0.25; 1 2]/3", "emboss:bias=0.5", "prewitt-x", "laplacian:scale=-1,bias=0.5",
        "[1 2 1]/4:scale=2,bias=0.1", "gaussian:sigma=5", "[1 2 1]/0",
        "[" + Array(repeating: "1", count: 33).joined(separator: " ") + "]",
    ]
    private static let alphabet = Array("[]0123456789.;,/ -:=abcxyz")

    private var generator = SplitMix64(seed: 0xC0_4F_0E)

    private func randomText(from characters: [Character], maximumLength: Int) -> String {
        let length = Int.random(in: 0...maximumLength, using: &generator)
        return String((0..<length).map { _ in characters.randomElement(using: &generator)! })
    }

    private func mutated(_ spec: String) -> String {
        var characters = Array(spec)
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = Int.random(in: 0...characters.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0 where position < characters.count:
                characters.remove(at: position)
            case 1:
                characters.insert(Self.alphabet.randomElement(using: &generator)!, at: position)
            case 2 where position < characters.count:
                characters[position] = Self.alphabet.randomElement(using: &generator)!
            case 3:
                characters = Array(characters.prefix(position))
            default:
                characters.insert(contentsOf: randomText(from: Self.alphabet, maximumLength: 6), at: position)
            }
        }
        return String(characters)
    }

    private func randomBytes() -> String {
        let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func check(_ spec: String, outcomes: inout [String: Int]) {
        do {
            let kernel = try KernelSpec.parse(spec)
            outcomes["kernel", default: 0] += 1
            XCTAssertEqual(kernel.height % 2, 1, spec)
            XCTAssertEqual(kernel.width % 2, 1, spec)
            XCTAssertLessThanOrEqual(kernel.height, Kernel.maximumSize, spec)
            XCTAssertLessThanOrEqual(kernel.width, Kernel.maximumSize, spec)
            XCTAssertTrue(kernel.matrix.allSatisfy { $0.count == kernel.width }, spec)
            XCTAssertNotEqual(kernel.divisor, 0, spec)
            let weights = (kernel.weights + (kernel.partnerWeights ?? [])).joined()
            XCTAssertTrue(weights.allSatisfy(\.isFinite), spec)
            XCTAssertTrue(kernel.bias.isFinite, spec)
        } catch let error as KernelSpecError {
            outcomes[caseName(error), default: 0] += 1
            let message = error.description
            XCTAssertFalse(message.contains("\n") || message.contains("\r"), message)
            XCTAssertTrue(message.hasSuffix("."), message)
        } catch {
            XCTFail("\(spec.debugDescription) threw an untyped error: \(error)")
        }
    }

    private func caseName(_ error: KernelSpecError) -> String {
        switch error {
        case .emptySpec: return "empty"
        case .unknownKernel: return "unknownKernel"
        case .unknownParameter: return "unknownParameter"
        case .badParameterValue: return "badParameterValue"
        case .malformedParameters: return "malformedParameters"
        case .malformedMatrix: return "malformedMatrix"
        case .evenSizedMatrix: return "evenSizedMatrix"
        case .zeroDivisor: return "zeroDivisor"
        case .tooLarge: return "tooLarge"
        }
    }

    func testRandomAndMutatedSpecsNeverCrash() {
        var outcomes: [String: Int] = [:]
        for _ in 0..<1500 {
            check(mutated(Self.seeds.randomElement(using: &generator)!), outcomes: &outcomes)
        }
        for _ in 0..<1500 {
            check(randomText(from: Self.alphabet, maximumLength: 30), outcomes: &outcomes)
        }
        for _ in 0..<1000 {
            check(randomBytes(), outcomes: &outcomes)
        }
        for seed in Self.seeds {
            for length in 0...seed.count {
                check(String(seed.prefix(length)), outcomes: &outcomes)
            }
        }
        // The generators reach kernels and every kind of error.
        XCTAssertGreaterThan(outcomes["kernel", default: 0], 50, "\(outcomes)")
        XCTAssertEqual(outcomes.count, 10, "\(outcomes)")
    }
}
