import Foundation

/// The JSON header of a safetensors file, decoded and encoded with Foundation's JSON coders:
///
/// ```json
/// {"__metadata__": {"format": "pt"},
///  "conv1.weight": {"dtype": "F32", "shape": [16, 3, 3, 3], "data_offsets": [0, 1728]}}
/// ```
///
/// Decoding checks each entry's fields and types and throws `SafeTensorsError` (with an empty
/// path, filled in by the caller). Fields other than the three required ones are ignored, as the
/// reference implementation does. Offsets are checked against the data by `SafeTensorsFile`.
struct SafeTensorsHeader: Codable {
    /// One tensor's entry as written in the header.
    struct Entry {
        var dtype: SafeTensorsDType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    static let metadataKey = "__metadata__"

    var entries: [String: Entry]
    var metadata: [String: String]?

    init(entries: [String: Entry], metadata: [String: String]?) {
        self.entries = entries
        self.metadata = metadata
    }

    init(from decoder: Decoder) throws {
        let container: KeyedDecodingContainer<AnyCodingKey>
        do {
            container = try decoder.container(keyedBy: AnyCodingKey.self)
        } catch {
            throw Self.problem(.headerNotObject)
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String]?
        for key in container.allKeys {
            if key.stringValue == Self.metadataKey {
                if try container.decodeNil(forKey: key) {
                    continue
                }
                do {
                    metadata = try container.decode([String: String].self, forKey: key)
                } catch {
                    throw Self.problem(.badMetadata)
                }
            } else {
                entries[key.stringValue] = try Self.decodeEntry(named: key.stringValue, in: container, key: key)
            }
        }
        self.entries = entries
        self.metadata = metadata
    }

    private static func decodeEntry(
        named name: String,
        in container: KeyedDecodingContainer<AnyCodingKey>,
        key: AnyCodingKey
    ) throws -> Entry {
        let fields: KeyedDecodingContainer<AnyCodingKey>
        do {
            fields = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: key)
        } catch {
            throw problem(.entryNotObject(tensor: name))
        }
        func field<T: Decodable>(_ field: String, _ type: T.Type, expected: String) throws -> T {
            let fieldKey = AnyCodingKey(field)
            guard fields.contains(fieldKey) else {
                throw problem(.missingField(tensor: name, field: field))
            }
            do {
                return try fields.decode(type, forKey: fieldKey)
            } catch {
                throw problem(.wrongFieldType(tensor: name, field: field, expected: expected))
            }
        }
        let dtypeName = try field("dtype", String.self, expected: "a string")
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw problem(.unknownDType(tensor: name, dtype: dtypeName))
        }
        let shape = try field("shape", [Int].self, expected: "a list of integers")
        let offsets = try field("data_offsets", [Int].self, expected: "a list of two integers")
        guard offsets.count == 2, offsets[0] >= 0, offsets[1] >= offsets[0] else {
            throw problem(.badOffsets(tensor: name, offsets: offsets))
        }
        return Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        if let metadata {
            try container.encode(metadata, forKey: AnyCodingKey(Self.metadataKey))
        }
        for (name, entry) in entries {
            var fields = container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: AnyCodingKey(name))
            try fields.encode(entry.dtype.rawValue, forKey: AnyCodingKey("dtype"))
            try fields.encode(entry.shape, forKey: AnyCodingKey("shape"))
            try fields.encode([entry.begin, entry.end], forKey: AnyCodingKey("data_offsets"))
        }
    }

    private static func problem(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
        SafeTensorsError(path: "", problem: problem)
    }
}
