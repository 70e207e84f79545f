import ConvoyFilters
import Foundation
import XCTest

final class KernelSpecTests: XCTestCase {
    // MARK: Accepted forms

    func testBuiltInNamesParseToTheirDefaultKernels() throws {
        for builtIn in BuiltInKernel.allCases {
            XCTAssertEqual(try KernelSpec.parse(builtIn.name), builtIn.defaultKernel)
        }
        XCTAssertEqual(try KernelSpec.parse("  Sobel_X \n"), BuiltInKernel.sobelX.defaultKernel)
    }

    func testParametersAfterTheColon() throws {
        let gaussian = try KernelSpec.parse("gaussian:sigma=1.5,size=5")
        XCTAssertEqual(gaussian, try BuiltInKernel.gaussian.kernel(parameters: ["sigma": "1.5", "size": "5"]))
        XCTAssertEqual(gaussian.height, 5)
        XCTAssertEqual(try KernelSpec.parse("box:size=5").weights, Array(repeating: Array(repeating: Float(1) / 25, count: 5), count: 5))
        let sobel = try KernelSpec.parse("sobel:scale=2")
        XCTAssertEqual(sobel.weights, [[-2, 0, 2], [-4, 0, 4], [-2, 0, 2]])
        XCTAssertEqual(sobel.partnerWeights, [[-2, -4, -2], [0, 0, 0], [2, 4, 2]])
        let spaced = try KernelSpec.parse(" gaussian : SIGMA = 1.5 , size = 5 ")
        XCTAssertEqual(spaced, gaussian)
        XCTAssertEqual(try KernelSpec.parse("emboss:bias=0.5").bias, 0.5)
        XCTAssertEqual(try KernelSpec.parse("laplacian:scale=-1").weights, [[0, -1, 0], [-1, 4, -1], [0, -1, 0]])
    }

    func testCustomMatrixWithDivisor() throws {
        let kernel = try KernelSpec.parse("[1 2 1; 2 4 2; 1 2 1]/16")
        XCTAssertEqual(kernel.matrix, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
        XCTAssertEqual(kernel.divisor, 16)
        XCTAssertEqual(kernel.weights, BuiltInKernel.gaussian.defaultKernel.weights)
        XCTAssertEqual(kernel.name, "[1 2 1; 2 4 2; 1 2 1]/16")
        XCTAssertEqual(kernel.kind, .linear)
    }

    func testCustomMatrixWithoutDivisorDividesByTheSum() throws {
        XCTAssertEqual(try KernelSpec.parse("[1 2 1; 2 4 2; 1 2 1]").divisor, 16)
        XCTAssertEqual(try KernelSpec.parse("[-1 0 1]").divisor, 1)
        XCTAssertEqual(try KernelSpec.parse("[-1 0 1]").weights, [[-1, 0, 1]])
    }

    func testCustomMatrixSeparatorsAndNumbers() throws {
        let expected: [[Float]] = [[-1.5, 0, 2], [0.25, -0.5, 3]]
        for spec in [
            "[-1.5 0 2; 0.25 -0.5 3]",
            "[-1.5,0,2;.25,-.5,3]",
            "[ -1.5, 0, 2 ;\n 0.25  -0.5   3 ]",
            "[-1.5\t0\t+2; 2.5e-1 -5E-1 3.0]",
            "\t[-1.5 0 2; 0.25 -0.5 3]  ",
        ] {
            XCTAssertThrowsError(try KernelSpec.parse(spec), spec) { error in
                // Two rows: even height. The entries themselves were read fine.
                XCTAssertEqual(error as? KernelSpecError, .evenSizedMatrix(spec: spec.trimmedForTest, rows: 2, columns: 3))
            }
            let odd = spec.replacingOccurrences(of: "3", with: "3; 1 1 1")
            XCTAssertEqual(try KernelSpec.parse(odd).matrix, expected + [[1, 1, 1]], odd)
        }
    }

    func testCustomMatrixDivisorAndParameters() throws {
        let kernel = try KernelSpec.parse("[1 1 1] / 0.5 : scale=2, bias=-0.25")
        XCTAssertEqual(kernel.divisor, 0.5)
        XCTAssertEqual(kernel.scale, 2)
        XCTAssertEqual(kernel.bias, -0.25)
        XCTAssertEqual(kernel.weights, [[4, 4, 4]])
        XCTAssertEqual(try KernelSpec.parse("[1 2 1]:bias=0.5").divisor, 4)
        XCTAssertEqual(try KernelSpec.parse("[2]/-4").weights, [[-0.5]])
        XCTAssertEqual(try KernelSpec.parse("[1 1 1 1 1; 1 1 1 1 1; 1 1 1 1 1]").height, 3)
        let largest = "[" + Array(repeating: Array(repeating: "1", count: 31).joined(separator: " "), count: 31).joined(separator: ";") + "]"
        XCTAssertEqual(try KernelSpec.parse(largest).width, 31)
    }

    // MARK: Errors

    private func assertError(
        _ spec: String, _ expected: KernelSpecError, mentioning words: [String] = [], line: UInt = #line
    ) {
        XCTAssertThrowsError(try KernelSpec.parse(spec), line: line) { error in
            guard let error = error as? KernelSpecError else {
                return XCTFail("\(spec): not a KernelSpecError: \(error)", line: line)
            }
            XCTAssertEqual(error, expected, line: line)
            let message = error.description
            XCTAssertTrue(message.contains("\"\(spec.trimmedForTest)\""), "\(message) does not quote the spec", line: line)
            XCTAssertFalse(message.contains("\n"), "\(message) spans lines", line: line)
            XCTAssertTrue(message.hasSuffix("."), "\(message) is not a sentence", line: line)
            XCTAssertTrue(message.first?.isUppercase ?? false, "\(message) is not a sentence", line: line)
            for word in words {
                XCTAssertTrue(message.contains(word), "\(message) does not mention \(word)", line: line)
            }
        }
    }

    func testUnknownKernelListsTheKnownNames() {
        let known = BuiltInKernel.allCases.map(\.name)
        assertError("blur", .unknownKernel(spec: "blur", name: "blur", known: known), mentioning: ["blur", "gaussian", "prewitt-y", "sobel-x"])
        assertError("blur:size=3", .unknownKernel(spec: "blur:size=3", name: "blur", known: known))
        assertError(":size=3", .unknownKernel(spec: ":size=3", name: "", known: known))
        assertError("sobel x", .unknownKernel(spec: "sobel x", name: "sobel x", known: known))
    }

    func testUnknownParameterNamesTheKernelAndItsParameters() {
        assertError(
            "box:sigma=2", .unknownParameter(spec: "box:sigma=2", kernel: "box", parameter: "sigma", known: ["size", "scale", "bias"]),
            mentioning: ["sigma", "box", "size, scale and bias"]
        )
        assertError(
            "sobel:size=5", .unknownParameter(spec: "sobel:size=5", kernel: "sobel", parameter: "size", known: ["scale", "bias"])
        )
        assertError(
            "[1 2 1]:size=3", .unknownParameter(spec: "[1 2 1]:size=3", kernel: "custom", parameter: "size", known: ["scale", "bias"])
        )
    }

    func testBadParameterValues() {
        let sizeReason = "the size must be an odd whole number from 1 to 31"
        assertError("box:size=4", .badParameterValue(spec: "box:size=4", parameter: "size", value: "4", reason: sizeReason), mentioning: ["odd"])
        assertError("box:size=0", .badParameterValue(spec: "box:size=0", parameter: "size", value: "0", reason: sizeReason))
        assertError("box:size=-3", .badParameterValue(spec: "box:size=-3", parameter: "size", value: "-3", reason: sizeReason))
        assertError("gaussian:size=33", .badParameterValue(spec: "gaussian:size=33", parameter: "size", value: "33", reason: sizeReason))
        assertError("box:size=3.0", .badParameterValue(spec: "box:size=3.0", parameter: "size", value: "3.0", reason: sizeReason))
        assertError("box:size=three", .badParameterValue(spec: "box:size=three", parameter: "size", value: "three", reason: sizeReason))
        assertError(
            "gaussian:sigma=0",
            .badParameterValue(spec: "gaussian:sigma=0", parameter: "sigma", value: "0", reason: "sigma must be greater than 0")
        )
        assertError(
            "gaussian:sigma=-1",
            .badParameterValue(spec: "gaussian:sigma=-1", parameter: "sigma", value: "-1", reason: "sigma must be greater than 0")
        )
        assertError(
            "gaussian:sigma=abc",
            .badParameterValue(spec: "gaussian:sigma=abc", parameter: "sigma", value: "abc", reason: "sigma must be a decimal number")
        )
        XCTAssertThrowsError(try KernelSpec.parse("gaussian:sigma=6")) { error in
            guard case .badParameterValue(_, "sigma", "6", _)? = error as? KernelSpecError else {
                return XCTFail("\(error)")
            }
        }
        XCTAssertNoThrow(try KernelSpec.parse("gaussian:sigma=6,size=31"))
        XCTAssertThrowsError(try KernelSpec.parse("sharpen:scale=x"))
        XCTAssertThrowsError(try KernelSpec.parse("sharpen:scale=1e39"))
        XCTAssertThrowsError(try KernelSpec.parse("sharpen:bias=nan"))
        XCTAssertThrowsError(try KernelSpec.parse("sharpen:bias=inf"))
        XCTAssertThrowsError(try KernelSpec.parse("gaussian:sigma=1e999"))
    }

    func testMalformedParameterLists() {
        assertError("gaussian:", .malformedParameters(spec: "gaussian:", reason: "nothing follows the colon"))
        assertError("gaussian:sigma", .malformedParameters(spec: "gaussian:sigma", reason: "\"sigma\" is not of the form key=value"))
        assertError("gaussian:sigma=", .malformedParameters(spec: "gaussian:sigma=", reason: "\"sigma=\" has no value after ="))
        assertError("gaussian:=1", .malformedParameters(spec: "gaussian:=1", reason: "\"=1\" has no parameter name before ="))
        assertError("gaussian:sigma=1,", .malformedParameters(spec: "gaussian:sigma=1,", reason: "it has an empty item between commas"))
        assertError(
            "gaussian:size=3,size=5",
            .malformedParameters(spec: "gaussian:size=3,size=5", reason: "it gives \"size\" more than once")
        )
    }

    func testMalformedMatrices() {
        func malformed(_ spec: String, _ reason: String, line: UInt = #line) {
            assertError(spec, .malformedMatrix(spec: spec, reason: reason), line: line)
        }
        malformed("[1 2 1; 2 4; 1 2 1]", "row 2 has 2 entries but row 1 has 3")
        malformed("[1 2 1; 2 4 2 9; 1 2 1]", "row 2 has 4 entries but row 1 has 3")
        malformed("[1 x 1]", "the entry \"x\" in row 1 is not a number")
        malformed("[1 2 1; 1 2 1; 1 2 1e40]", "the entry \"1e40\" in row 3 is outside the range of a 32-bit float")
        malformed("[1 0x10 1]", "the entry \"0x10\" in row 1 is not a number")
        malformed("[1 nan 1]", "the entry \"nan\" in row 1 is not a number")
        malformed("[1 1-1 1]", "the entry \"1-1\" in row 1 is not a number")
        malformed("[]", "it has no entries")
        malformed("[ ; ; ]", "it has no entries")
        malformed("[1 2 1;]", "row 2 of 2 is empty")
        malformed("[;1 2 1]", "row 1 of 2 is empty")
        malformed("[1 2 1", "it is missing the closing bracket ]")
        malformed("1 2 1]", "it is missing the opening bracket [")
        malformed("-1 0 1", "it is missing the opening bracket [")
        malformed("[[1 2 1]]", "it has a second opening bracket [ inside the matrix")
        malformed("[1 2 1]/", "the divisor after / is missing")
        malformed("[1 2 1]/x", "the divisor \"x\" is not a number within the range of a 32-bit float")
        malformed("[1 2 1] 4", "the text \"4\" after the closing bracket is neither a /divisor nor :parameters")
        malformed("[1 2 1]]", "the text \"]\" after the closing bracket is neither a /divisor nor :parameters")
    }

    func testEvenSizedMatricesSayWhichDimension() {
        assertError("[1 1]", .evenSizedMatrix(spec: "[1 1]", rows: 1, columns: 2), mentioning: ["even width (2 columns)"])
        assertError("[1; 1]", .evenSizedMatrix(spec: "[1; 1]", rows: 2, columns: 1), mentioning: ["even height (2 rows)"])
        assertError(
            "[1 1; 1 1]/4", .evenSizedMatrix(spec: "[1 1; 1 1]/4", rows: 2, columns: 2),
            mentioning: ["even height (2)", "even width (2)"]
        )
    }

    func testZeroDivisor() {
        assertError("[1 2 1]/0", .zeroDivisor(spec: "[1 2 1]/0"), mentioning: ["zero"])
        assertError("[1 2 1] / 0.0", .zeroDivisor(spec: "[1 2 1] / 0.0"))
        assertError("[1 2 1]/-0", .zeroDivisor(spec: "[1 2 1]/-0"))
    }

    func testTooLarge() {
        let wide = "[" + Array(repeating: "1", count: 33).joined(separator: " ") + "]"
        assertError(wide, .tooLarge(spec: wide, rows: 1, columns: 33), mentioning: ["1×33", "31×31"])
        let tall = "[" + Array(repeating: "1", count: 35).joined(separator: ";") + "]"
        assertError(tall, .tooLarge(spec: tall, rows: 35, columns: 1))
        // Too large wins over even-sized: 32 is both.
        let even = "[" + Array(repeating: "1", count: 32).joined(separator: " ") + "]"
        assertError(even, .tooLarge(spec: even, rows: 1, columns: 32))
    }

    func testEmptySpec() {
        for spec in ["", "   ", "\n\t"] {
            XCTAssertThrowsError(try KernelSpec.parse(spec)) { error in
                XCTAssertEqual(error as? KernelSpecError, .emptySpec)
                XCTAssertTrue("\(error)".contains("empty"))
            }
        }
    }

    func testMessagesStayOnOneLineForAnySpec() {
        let spec = "blur\nwith\tcontrol \u{7}chars and a \"quote\""
        XCTAssertThrowsError(try KernelSpec.parse(spec)) { error in
            let message = "\(error)"
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssertFalse(message.contains("\t"), message)
            XCTAssertTrue(message.contains(#""blur\nwith\tcontrol \u{7}chars and a \"quote\"""#), message)
        }
        let long = "[" + String(repeating: "1 ", count: 500) + "x]"
        XCTAssertThrowsError(try KernelSpec.parse(long)) { error in
            XCTAssertLessThan("\(error)".count, 400)
        }
    }
}

private extension String {
    /// The string without white space at either end, as the parser quotes specs.
    var trimmedForTest: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
