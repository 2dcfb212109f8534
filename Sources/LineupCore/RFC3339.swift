import Foundation

/// RFC 3339 date-times, the one way Lineup reads and writes them: event timestamps, query
/// windows, command-line flags, exported rows.
///
/// Clients send both `2026-11-22T09:30:00Z` and `2026-11-22T09:30:00.250+01:00`, so fractional
/// seconds are optional on input; Lineup always writes them, in UTC. Every event carries a
/// timestamp, so the common shape is parsed directly, about ten times faster than a format
/// style; anything else goes to Foundation's ISO 8601 parser, which decides.
public enum RFC3339 {
    /// The date `text` denotes, or nil when it is not an RFC 3339 date-time.
    public static func parse(_ text: String) -> Date? {
        if let seconds = fastSeconds(text) { return Date(timeIntervalSince1970: seconds) }
        if let date = try? Date(text, strategy: fractional) { return date }
        return try? Date(text, strategy: whole)
    }

    /// `2026-11-22T09:30:00.250Z`: UTC, milliseconds.
    public static func string(_ date: Date) -> String {
        date.formatted(fractional)
    }

    /// A day (`2026-11-01`, midnight UTC) or a date-time: what the command line's window
    /// flags take.
    public static func parse(dayOrDateTime text: String) -> Date? {
        parse(text) ?? (text.count == 10 ? parse(text + "T00:00:00Z") : nil)
    }

    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let whole = Date.ISO8601FormatStyle()

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with every field in range, as seconds since
    /// 1970; nil for any other shape, which the slow path then judges.
    static func fastSeconds(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes -> Double? in
            let count = bytes.count
            guard count >= 20 else { return nil }
            func number(_ start: Int, _ length: Int) -> Int? {
                var value = 0
                for index in start..<(start + length) {
                    let digit = Int(bytes[index]) - 48
                    guard digit >= 0 && digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
                hour <= 23, minute <= 59, second <= 59
            else { return nil }

            var index = 19
            var fraction = 0.0
            if bytes[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 0.1
                let start = index
                while index < count, let digit = number(index, 1) {
                    fraction += Double(digit) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start, index - start <= 9 else { return nil }
            }
            guard index < count else { return nil }
            var offset = 0
            switch bytes[index] {
            case UInt8(ascii: "Z"):
                guard index + 1 == count else { return nil }
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard index + 6 == count, bytes[index + 3] == UInt8(ascii: ":"),
                    let offsetHours = number(index + 1, 2), let offsetMinutes = number(index + 4, 2),
                    offsetHours <= 23, offsetMinutes <= 59
                else { return nil }
                offset = (offsetHours * 60 + offsetMinutes) * 60
                if bytes[index] == UInt8(ascii: "-") { offset = -offset }
            default:
                return nil
            }
            let days = daysSince1970(year: year, month: month, day: day)
            let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
            return Double(seconds) + fraction
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
