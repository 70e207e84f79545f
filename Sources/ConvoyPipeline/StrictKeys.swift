import ConvoyTensor

/// Rejects mapping keys a decoder does not know, naming the first unknown one.
struct StrictKeys {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func check(_ decoder: Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription:
                "unknown key \(MessageText.quote(key.stringValue)) (known keys: \(allowed.joined(separator: ", ")))")
        }
    }
}
