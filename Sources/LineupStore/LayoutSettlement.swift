import Foundation
import LineupCore

/// What to settle of the layout decisions still waiting for their reward.
///
/// A decision's reward is 1 when an event of `rewardTypes` carries its request id and
/// happened within `window` after it (or up to `clockSkew` before), else 0 once that window
/// has closed. Each decision is settled once: the store sets its reward and, in the same
/// transaction, stores the evidence the bandit computes from it (`LayoutStore.settleLayouts`).
public struct LayoutSettlement: Sendable, Hashable {
    /// Decisions of these requests that have a rewarding event get their 1 now.
    public var requestIds: [String]
    /// Decisions made before this time (their window closed) are settled, 1 or 0.
    public var closeBefore: Date?
    public var rewardTypes: Set<EventType>
    public var window: TimeInterval
    public var clockSkew: TimeInterval

    public init(
        requestIds: [String] = [], closeBefore: Date? = nil, rewardTypes: Set<EventType>, window: TimeInterval,
        clockSkew: TimeInterval
    ) {
        self.requestIds = requestIds
        self.closeBefore = closeBefore
        self.rewardTypes = rewardTypes
        self.window = window
        self.clockSkew = clockSkew
    }
}
