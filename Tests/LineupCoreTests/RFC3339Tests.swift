import Foundation
import LineupCore
import Testing

/// The fast RFC 3339 path must agree with Foundation's ISO 8601 parser, the reference,
/// on every string it accepts.
@Suite struct RFC3339Tests {
    static let foundationFractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let foundationWhole = Date.ISO8601FormatStyle()

    func foundation(_ text: String) -> Date? {
        (try? Date(text, strategy: Self.foundationFractional)) ?? (try? Date(text, strategy: Self.foundationWhole))
    }

    @Test func agreesWithFoundationOnRandomDateTimes() throws {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<5_000 {
            let year = 1971 + Int(rng.next() % 130)
            let month = 1 + Int(rng.next() % 12)
            let day = 1 + Int(rng.next() % 28)
            let hour = Int(rng.next() % 24)
            let minute = Int(rng.next() % 60)
            let second = Int(rng.next() % 60)
            var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second)
            if rng.next() % 2 == 0 { text += String(format: ".%03d", Int(rng.next() % 1000)) }
            switch rng.next() % 3 {
            case 0: text += "Z"
            case 1: text += String(format: "+%02d:%02d", Int(rng.next() % 15), Int(rng.next() % 60))
            default: text += String(format: "-%02d:%02d", Int(rng.next() % 13), Int(rng.next() % 60))
            }
            let reference = try #require(foundation(text), "Foundation rejects \(text)")
            let fast = try #require(RFC3339.parse(text))
            #expect(abs(fast.timeIntervalSince(reference)) < 1e-6, "\(text): \(fast) vs \(reference)")
        }
    }

    @Test(arguments: [
        "2026-11-22T09:30:00Z", "2024-02-29T23:59:59.999+14:00", "2026-01-01T00:00:00.5-08:00",
        "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-22T24:00:00Z",
        "2026-11-22 09:30:00Z", "2026-11-22T09:30:00", "yesterday", "2026-11-22T09:30:00.Z",
        "2026-11-22T09:30:00+0100", "", "2026-11-22",
    ])
    func acceptsWhatFoundationAccepts(_ text: String) {
        let ours = RFC3339.parse(text)
        let reference = foundation(text)
        #expect((ours == nil) == (reference == nil), "\(text): ours \(String(describing: ours)), Foundation \(String(describing: reference))")
        if let ours, let reference { #expect(abs(ours.timeIntervalSince(reference)) < 1e-6) }
    }
}

extension RFC3339Tests {
    @Test func writesWhatItReadsWithMilliseconds() throws {
        let date = try #require(RFC3339.parse("2026-11-22T09:30:00.25+01:00"))
        #expect(RFC3339.string(date) == "2026-11-22T08:30:00.250Z")
        #expect(RFC3339.parse(RFC3339.string(date)) == date)
    }

    @Test(arguments: [
        ("2026-11-01", "2026-11-01T00:00:00Z"), ("2026-11-01T08:00:00Z", "2026-11-01T08:00:00Z"),
        ("2026-11-01T08:00:00.500Z", "2026-11-01T08:00:00.5Z"),
    ])
    func theWindowFlagsTakeADayOrADateTime(_ text: String, _ expected: String) {
        #expect(RFC3339.parse(dayOrDateTime: text) == RFC3339.parse(expected))
    }

    @Test(arguments: ["2026-11", "11/01/2026", "2026-11-01T", "20261101"])
    func otherShapesAreRefused(_ text: String) {
        #expect(RFC3339.parse(dayOrDateTime: text) == nil)
    }
}
