import Foundation
import OpenAPIRuntime

/// RFC 3339 timestamps with or without fractional seconds: clients send both
/// (`2026-11-22T09:30:00Z`, `2026-11-22T09:30:00.250+01:00`). Lineup writes fractional seconds.
struct FlexibleDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    func decode(_ string: String) throws -> Date {
        if let date = try? Date(string, strategy: Self.fractional) { return date }
        if let date = try? Date(string, strategy: Self.whole) { return date }
        throw DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "'\(string)' is not an RFC 3339 date-time such as 2026-11-22T09:30:00Z"))
    }

    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let whole = Date.ISO8601FormatStyle()
}
