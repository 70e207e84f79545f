/// Reading and writing the plain decimal numbers used in kernel specs.
enum NumberText {
    /// Reads `text` as a decimal number: an optional sign, digits with an optional fraction (or a
    /// fraction alone, like `.5`), and an optional exponent (`e-3`). Hexadecimal, `inf`, `nan` and
    /// anything else are refused, as are numbers too large for a `Double`.
    static func double(_ text: Substring) -> Double? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func isDigit(_ at: Int) -> Bool { at < scalars.count && ("0"..."9").contains(scalars[at]) }
        func skipDigits() -> Int {
            let start = index
            while isDigit(index) { index += 1 }
            return index - start
        }
        if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
        var mantissaDigits = skipDigits()
        if index < scalars.count, scalars[index] == "." {
            index += 1
            mantissaDigits += skipDigits()
        }
        guard mantissaDigits > 0 else { return nil }
        if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
            index += 1
            if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
            guard skipDigits() > 0 else { return nil }
        }
        guard index == scalars.count, let value = Double(String(text)), value.isFinite else { return nil }
        return value
    }

    /// Reads `text` like ``double(_:)`` and also refuses numbers too large for a `Float`.
    static func float(_ text: Substring) -> Float? {
        // Parsed straight to Float, not through Double, so that shortest round-trip text reads back
        // exactly.
        guard double(text) != nil, let value = Float(String(text)), value.isFinite else { return nil }
        return value
    }

    /// Writes `value` so that ``float(_:)`` reads back exactly the same number: whole numbers
    /// without a decimal point, others in their shortest round-tripping form.
    static func exact(_ value: Float) -> String {
        if value == value.rounded(), abs(value) < 1e7 { return String(Int(value)) }
        return "\(value)"
    }

    /// Writes `value` for people: whole numbers as they are, others with at most four significant
    /// digits (`0.1019`, `2.5e-05`).
    static func short(_ value: Float) -> String {
        if value == value.rounded(), abs(value) < 1e7 { return String(Int(value)) }
        let magnitude = abs(Double(value))
        if magnitude >= 1e-3, magnitude < 1e7 {
            let digitsBeforePoint = magnitude >= 1 ? Int(magnitude.rounded(.down)).description.count : 0
            var fraction = max(0, 4 - digitsBeforePoint)
            if magnitude < 1 {
                var probe = magnitude
                while probe < 0.1 {
                    probe *= 10
                    fraction += 1
                }
            }
            var text = fixed(Double(value), fractionDigits: fraction)
            while text.contains("."), text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        return "\(value)"
    }

    /// Rounds `value` to `fractionDigits` decimals and writes it without an exponent.
    private static func fixed(_ value: Double, fractionDigits: Int) -> String {
        var power = 1.0
        for _ in 0..<fractionDigits { power *= 10 }
        let scaled = (abs(value) * power).rounded()
        let whole = Int(scaled / power)
        let fraction = Int(scaled - Double(whole) * power)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard fractionDigits > 0 else { return sign + String(whole) }
        var fractionText = String(fraction)
        while fractionText.count < fractionDigits { fractionText = "0" + fractionText }
        return sign + String(whole) + "." + fractionText
    }
}
