import ConvoyTensor
import Yams

/// One-line descriptions of Yams's errors (whose own descriptions span several lines, with the
/// cause after the first line break).
enum YAMLErrorText {
    /// `line 9, column 5: did not find expected ',' or '}' (while parsing a flow mapping from
    /// line 8, column 5)`, or the first line of anything that is not a `YamlError`.
    static func describe(_ error: Error) -> String {
        guard let yaml = error as? YamlError else {
            return MessageText.firstLine(String(describing: error))
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var text = "line \(mark.line), column \(mark.column): \(problem)"
            if let context {
                text += " (\(context.text) from line \(context.mark.line), column \(context.mark.column))"
            }
            return MessageText.firstLine(text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { MessageText.quote($0) }.joined(separator: ", ")
            return "the mapping at line \(context.mark.line), column \(context.mark.column) repeats the key\(duplicates.count == 1 ? "" : "s") \(keys)"
        default:
            return MessageText.firstLine(String(describing: yaml))
        }
    }
}
