import Foundation
import LineupCore

/// An RFC 3339 date-time, decoded with or without fractional seconds.
///
/// Stands in for the generated `Date` of the `Timestamp` schema for two reasons. A malformed
/// value is reported at its own path (`events[3].timestamp`): a date decoding strategy only
/// sees the string, and its errors reach the client without a field. And every event has
/// one, so it is parsed by `RFC3339`'s fast path.
public struct Timestamp: Codable, Hashable, Sendable {
    public var date: Date

    public init(_ date: Date) {
        self.date = date
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-22T09:30:00Z")
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(RFC3339.string(date))
    }

    /// The date `text` denotes, or nil when it is not an RFC 3339 date-time.
    public static func parse(_ text: String) -> Date? {
        RFC3339.parse(text)
    }
}
