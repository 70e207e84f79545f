import Foundation

/// Helpers that keep error messages on one line whatever the files contain (shared by the
/// modules above this one).
public enum MessageText {
    /// `text` in double quotes: quotes, backslashes and control characters escaped, and cut short
    /// with an ellipsis after `limit` characters, so a name read from a file cannot break the line.
    public static func quote(_ text: String, limit: Int = 80) -> String {
        var body = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                body += "…"
                break
            }
            count += 1
            switch scalar {
            case "\"": body += "\\\""
            case "\\": body += "\\\\"
            case "\n": body += "\\n"
            case "\r": body += "\\r"
            case "\t": body += "\\t"
            default:
                switch scalar.properties.generalCategory {
                case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned:
                    body += "\\u{\(String(scalar.value, radix: 16))}"
                default:
                    body.unicodeScalars.append(scalar)
                }
            }
        }
        return "\"" + body + "\""
    }

    /// Quoted names joined with commas, at most `limit` of them, then "and N more".
    public static func list(_ names: [String], limit: Int = 12) -> String {
        let shown = names.prefix(limit).map { quote($0) }.joined(separator: ", ")
        return names.count > limit ? shown + " and \(names.count - limit) more" : shown
    }

    /// The first line of `text`, trimmed, for messages built from other libraries' errors.
    public static func firstLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// An axis list as `[a, b, c]`.
    public static func dims(_ dims: [Int]) -> String {
        "[" + dims.map(String.init).joined(separator: ", ") + "]"
    }
}
