/// A vector of 32-bit floats, decoded through Double.
///
/// Stands in for the generated `[Float]` of the `Embedding` schema: JSONDecoder reports a
/// number beyond Float's range (`1e40`) as "not valid JSON" without a path, while this type
/// names the element (`embedding[7]`).
public struct Embedding: Codable, Hashable, Sendable {
    public var values: [Float]

    public init(_ values: [Float]) {
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var values: [Float] = []
        values.reserveCapacity(container.count ?? 0)
        while !container.isAtEnd {
            let index = container.currentIndex
            let value = try container.decode(Double.self)
            guard value.isFinite, abs(value) <= Double(Float.greatestFiniteMagnitude) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: container.codingPath + [Index(intValue: index)],
                    debugDescription: "\(value) is not a finite 32-bit float"))
            }
            values.append(Float(value))
        }
        self.values = values
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(contentsOf: values)
    }

    private struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
