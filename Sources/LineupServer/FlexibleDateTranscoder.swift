import Foundation
import LineupCore
import OpenAPIRuntime

/// The generated layer's dates as `RFC3339` reads and writes them: with or without
/// fractional seconds in, always with them out.
struct FlexibleDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        RFC3339.string(date)
    }

    func decode(_ string: String) throws -> Date {
        guard let date = RFC3339.parse(string) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "'\(string)' is not an RFC 3339 date-time such as 2026-11-22T09:30:00Z"))
        }
        return date
    }
}
