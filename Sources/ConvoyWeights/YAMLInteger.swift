/// An integer in a model file: a YAML integer, or a number with no fractional part (`2.0`).
struct YAMLInteger: Decodable {
    let value: Int

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self.value = value
            return
        }
        let number = try container.decode(Double.self)
        guard number.rounded() == number, let value = Int(exactly: number) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an integer")
        }
        self.value = value
    }
}
