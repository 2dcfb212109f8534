import Foundation
import LineupCore

/// The simulated days in order, served by a ranking policy: a sequence of per-day batches, so a
/// caller can stream months of events into a store without holding them all.
///
/// Days must be played in order because users remember: what they pinned or hid on Monday
/// shapes Tuesday's screen. The planned traffic itself (`Simulator.sessions(onDay:)`) does not
/// depend on the policy.
public struct Simulation: Sequence, Sendable {
    public let simulator: Simulator
    public let policy: any RankingPolicy

    public init(simulator: Simulator, policy: any RankingPolicy) {
        self.simulator = simulator
        self.policy = policy
    }

    public func makeIterator() -> Iterator {
        Iterator(simulator: simulator, policy: policy)
    }

    public var underestimatedCount: Int { simulator.configuration.days }

    public struct Iterator: IteratorProtocol, Sendable {
        public let simulator: Simulator
        public var policy: any RankingPolicy
        /// The next day `next()` plays.
        public private(set) var day = 0
        /// Each user's pins and hides so far, indexed like `simulator.users`.
        public private(set) var controls: [UserControls]

        init(simulator: Simulator, policy: any RankingPolicy) {
            self.simulator = simulator
            self.policy = policy
            controls = Array(repeating: UserControls(), count: simulator.users.count)
        }

        public mutating func next() -> Day? {
            next(using: policy)
        }

        /// Plays the next day with `policy` instead of the sequence's own, so a learning loop can
        /// retrain between days and serve the next one with the new model.
        public mutating func next(using policy: any RankingPolicy) -> Day? {
            let simulator = simulator
            guard day < simulator.configuration.days else { return nil }
            defer { day += 1 }
            let planned = simulator.sessions(onDay: day)
            var policyRng = SeededGenerator(seed: simulator.configuration.seed, stream: .policy, index: UInt64(day))
            var events: [Event] = []
            events.reserveCapacity(planned.count * 8)
            var served: [ServedSession] = []
            served.reserveCapacity(planned.count)

            for session in planned {
                let u = session.userIndex
                var candidates = session.candidates
                // Pinned widgets follow the user onto every dashboard they open.
                for id in controls[u].pinned where !candidates.contains(where: { $0.id == id }) {
                    if let i = simulator.itemIndex[id] { candidates.append(simulator.items[i]) }
                }
                let ordered = policy.order(for: session.user, candidates: candidates, at: session.start, using: &policyRng)
                let shown = controls[u].arrange(ordered, capacity: session.capacity)
                var rng = SeededGenerator(seed: session.outcomeSeed)
                simulator.react(
                    user: u, userId: session.user.id, shown: shown,
                    startMilliseconds: Simulator.milliseconds(session.start), deadline: session.deadline,
                    sessionId: session.id,
                    eventPrefix: session.eventPrefix, requestId: nil,
                    context: ["device": session.device, "dashboard": session.dashboard.id],
                    controls: &controls[u], using: &rng, into: &events
                )
                served.append(ServedSession(session: session, shown: shown))
            }

            let order = events.indices.sorted {
                events[$0].timestamp < events[$1].timestamp || (events[$0].timestamp == events[$1].timestamp && $0 < $1)
            }
            let start = simulator.window.start.addingTimeInterval(Double(day) * 86_400)
            return Day(
                index: day,
                interval: DateInterval(start: start, duration: 86_400),
                sessions: served,
                events: order.map { events[$0] }
            )
        }
    }
}
