/// One YAML mapping of a model file, read key by key with strict checks: unknown keys are
/// rejected, and every failure is a `ModelSpecIssue` naming the place and the key (Convoy's
/// pipeline files check their keys the same way).
///
/// Values are decoded with Yams through `Decodable`; nothing here parses YAML text.
struct YAMLMapping {
    /// Where the mapping is, for messages: `the top level`, `input`, `layer "conv1"`.
    var place: String
    private let container: KeyedDecodingContainer<AnyCodingKey>

    /// The mapping `decoder` holds; throws `notMapping` when it holds something else.
    init(_ decoder: Decoder, place: String) throws {
        guard let container = try? decoder.container(keyedBy: AnyCodingKey.self) else {
            throw ModelSpecIssue(.notMapping(place: place))
        }
        self.container = container
        self.place = place
    }

    /// The mapping under `key` of `parent`.
    init(in parent: YAMLMapping, key: String, place: String) throws {
        guard let container = try? parent.container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: AnyCodingKey(key)) else {
            throw ModelSpecIssue(.wrongType(place: parent.place, key: key, expected: "a mapping of keys to values"))
        }
        self.container = container
        self.place = place
    }

    /// The keys present, in no particular order.
    var keys: [String] { container.allKeys.map(\.stringValue) }

    /// Throws for the first key (in file order where Yams keeps it) not in `allowed`.
    func checkKeys(_ allowed: [String]) throws {
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw ModelSpecIssue(.unknownKey(place: place, key: key.stringValue, known: allowed))
        }
    }

    func contains(_ key: String) -> Bool {
        container.contains(AnyCodingKey(key))
    }

    /// The decoder of the value under `key` (for lists of mappings).
    func nestedList(_ key: String, expected: String) throws -> UnkeyedDecodingContainer {
        guard contains(key) else {
            throw ModelSpecIssue(.missingKey(place: place, key: key))
        }
        guard let list = try? container.nestedUnkeyedContainer(forKey: AnyCodingKey(key)) else {
            throw ModelSpecIssue(.wrongType(place: place, key: key, expected: expected))
        }
        return list
    }

    private func decode<T: Decodable>(_ type: T.Type, _ key: String, expected: String) throws -> T? {
        guard contains(key) else {
            return nil
        }
        do {
            return try container.decode(type, forKey: AnyCodingKey(key))
        } catch {
            throw ModelSpecIssue(.wrongType(place: place, key: key, expected: expected))
        }
    }

    private func required<T>(_ value: T?, _ key: String) throws -> T {
        guard let value else {
            throw ModelSpecIssue(.missingKey(place: place, key: key))
        }
        return value
    }

    /// A string; `defaultValue` when the key is absent (nil: the key is required).
    func string(_ key: String, default defaultValue: String? = nil) throws -> String {
        try required(decode(String.self, key, expected: "a string") ?? defaultValue, key)
    }

    /// `true` or `false`.
    func bool(_ key: String, default defaultValue: Bool? = nil) throws -> Bool {
        try required(decode(Bool.self, key, expected: "true or false") ?? defaultValue, key)
    }

    /// A finite number.
    func number(_ key: String, default defaultValue: Double? = nil) throws -> Double {
        let value = try required(decode(Double.self, key, expected: "a number") ?? defaultValue, key)
        guard value.isFinite, Float(value).isFinite else {
            throw ModelSpecIssue(.badValue(place: place, key: key, reason: "must be a finite number, got \(value)"))
        }
        return value
    }

    /// An integer in `range` (a number with no fractional part, such as `2.0`, counts).
    func integer(_ key: String, default defaultValue: Int? = nil, in range: ClosedRange<Int>) throws -> Int {
        let value = try required(decode(YAMLInteger.self, key, expected: "an integer")?.value ?? defaultValue, key)
        try check(value, key, range)
        return value
    }

    /// One number for every channel or a list of numbers, all finite.
    func numbers(_ key: String) throws -> [Double]? {
        guard contains(key) else {
            return nil
        }
        let values: [Double]
        if let one = try? container.decode(Double.self, forKey: AnyCodingKey(key)) {
            values = [one]
        } else if let list = try? container.decode([Double].self, forKey: AnyCodingKey(key)) {
            values = list
        } else {
            throw ModelSpecIssue(.wrongType(place: place, key: key, expected: "a number or a list of numbers"))
        }
        guard !values.isEmpty else {
            throw ModelSpecIssue(.badValue(place: place, key: key, reason: "must not be an empty list"))
        }
        if let bad = values.first(where: { !$0.isFinite || !Float($0).isFinite }) {
            throw ModelSpecIssue(.badValue(place: place, key: key, reason: "must hold finite numbers, got \(bad)"))
        }
        return values
    }

    /// A list of strings.
    func strings(_ key: String) throws -> [String] {
        try required(decode([String].self, key, expected: "a list of names"), key)
    }

    /// One integer for both axes or `[y, x]`, each in `range`.
    func pair(_ key: String, default defaultValue: SpatialPair? = nil, in range: ClosedRange<Int>) throws -> SpatialPair {
        let expected = "an integer or a list [y, x] of two integers"
        let pair: SpatialPair
        if !contains(key) {
            pair = try required(defaultValue, key)
        } else if let one = try? container.decode(YAMLInteger.self, forKey: AnyCodingKey(key)) {
            pair = SpatialPair(one.value)
        } else if let list = try? container.decode([YAMLInteger].self, forKey: AnyCodingKey(key)), list.count == 2 {
            pair = SpatialPair(y: list[0].value, x: list[1].value)
        } else {
            throw ModelSpecIssue(.wrongType(place: place, key: key, expected: expected))
        }
        try check(pair.y, key, range)
        try check(pair.x, key, range)
        return pair
    }

    private func check(_ value: Int, _ key: String, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw ModelSpecIssue(.badValue(place: place, key: key, reason: "must be \(bounds), got \(value)"))
        }
    }
}
