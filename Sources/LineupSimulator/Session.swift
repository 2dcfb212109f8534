import Foundation
import LineupCore

/// One planned visit: a user opens a dashboard at some moment on some device. Which sessions
/// happen depends only on the seed and the day, never on the ranking policy, so two policies are
/// compared on exactly the same traffic (common random numbers).
public struct Session: Sendable, Hashable, Identifiable {
    /// `s-<seed>-<day>-<n>`; the session's events are `e-<seed>-<day>-<n>-<k>`.
    public let id: String
    public let day: Int
    public let user: User
    public let dashboard: Dashboard
    /// The dashboard's widgets, in layout order: what a ranking policy is asked to order.
    public let candidates: [Item]
    public let start: Date
    /// `desktop`, `mobile` or `tablet`: usually the user's habitual device.
    public let device: String
    /// How many widgets fit on the screen this time; the order shown is cut to it.
    public let capacity: Int

    let userIndex: Int
    let eventPrefix: String
    /// Seconds from the start to the end of the day: the user stops there, so a day's events
    /// stay inside the day.
    let deadline: Double
    /// Seeds the user's reactions, so that a session's outcome does not depend on what the
    /// sessions before it drew.
    let outcomeSeed: UInt64
}
