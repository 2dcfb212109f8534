import Foundation

/// A time zone users live in. Sessions happen in working hours of the user's zone, so the
/// hour-of-day features Lineup computes see a realistic daily rhythm.
struct Zone: Sendable {
    let identifier: String
    let region: String
    /// Used only when the system has no time-zone database.
    let standardOffset: Int
    let share: Double

    static let all: [Zone] = [
        Zone(identifier: "Europe/Paris", region: "emea", standardOffset: 3_600, share: 0.22),
        Zone(identifier: "Europe/London", region: "emea", standardOffset: 0, share: 0.12),
        Zone(identifier: "America/New_York", region: "amer", standardOffset: -18_000, share: 0.24),
        Zone(identifier: "America/Los_Angeles", region: "amer", standardOffset: -28_800, share: 0.14),
        Zone(identifier: "Asia/Tokyo", region: "apac", standardOffset: 32_400, share: 0.08),
        Zone(identifier: "Asia/Singapore", region: "apac", standardOffset: 28_800, share: 0.06),
        Zone(identifier: "UTC", region: "global", standardOffset: 0, share: 0.14),
    ]

    /// Seconds east of UTC at `instant` (seconds since 1970), daylight saving included.
    func offset(at instant: Double) -> Int {
        TimeZone(identifier: identifier)?.secondsFromGMT(for: Date(timeIntervalSince1970: instant)) ?? standardOffset
    }
}
