import Foundation

/// An RFC 3339 date-time, decoded with or without fractional seconds.
///
/// Stands in for the generated `Date` of the `Timestamp` schema so that a malformed value is
/// reported at its own path (`events[3].timestamp`): a date decoding strategy only sees the
/// string, and its errors reach the client without a field.
public struct Timestamp: Codable, Hashable, Sendable {
    public var date: Date

    public init(_ date: Date) {
        self.date = date
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if let date = try? Date(text, strategy: Self.fractional) {
            self.date = date
        } else if let date = try? Date(text, strategy: Self.whole) {
            self.date = date
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-22T09:30:00Z")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(date.formatted(Self.fractional))
    }

    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let whole = Date.ISO8601FormatStyle()
}
