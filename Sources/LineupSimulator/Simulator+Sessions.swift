import Foundation
import LineupCore

extension Simulator {
    /// A session needs a couple of minutes before the end of its day to be worth starting.
    static let latestStart = 86_400.0 - 120

    /// The sessions of day `day` (0-based), in start order; empty outside the window.
    ///
    /// Who shows up, when, on which dashboard and device depends only on the seed and the day —
    /// not on earlier days nor on any ranking policy — so days can be planned in any order and
    /// policies compared on identical traffic. Each user's expected sessions follow their
    /// (heavy-tailed) weekly activity; a session starts at a working hour of the user's own time
    /// zone, and weekends are quieter.
    public func sessions(onDay day: Int) -> [Session] {
        guard day >= 0 && day < configuration.days else { return [] }
        let seed = configuration.seed
        let dayStart = windowStart + Double(day) * 86_400
        let offsets = Zone.all.map { Double($0.offset(at: dayStart + 43_200)) }
        let weekend = configuration.weekendActivity
        let perWeekday = 1 / (5 + 2 * weekend)
        let capacities = configuration.widgetsPerSession
        var rng = SeededGenerator(seed: seed, stream: .schedule, index: UInt64(day))

        var drafts: [(delay: Double, user: Int, dashboard: Int, device: String, capacity: Int)] = []
        for (u, persona) in personas.enumerated() {
            let count = rng.nextPoisson(mean: persona.sessionsPerWeek * perWeekday)
            for _ in 0..<count {
                let offset = offsets[persona.zone]
                let localStart = Self.positiveRemainder(dayStart + offset, 86_400)
                let delay = Self.positiveRemainder(Self.localWorkingTime(using: &rng) - localStart, 86_400)
                if delay > Self.latestStart { continue }
                let weekday = Self.weekday(localSeconds: dayStart + delay + offset)
                if weekday >= 5 && !rng.nextBool(probability: weekend) { continue }

                let dashboard: Int
                if rng.nextBool(probability: configuration.explorationShare) {
                    dashboard = rng.nextIndex(cumulative: explorationWeights[persona.role])
                } else {
                    dashboard = persona.favourites[rng.nextIndex(cumulative: persona.favouriteWeights)]
                }
                var device = persona.device
                if rng.nextBool(probability: 0.08) {
                    let others = ["desktop", "mobile", "tablet"].filter { $0 != persona.device }
                    device = others[rng.nextInt(below: others.count)]
                }
                let capacity = capacities.lowerBound + rng.nextInt(below: capacities.upperBound - capacities.lowerBound + 1)
                drafts.append((delay.rounded(), u, dashboard, device, capacity))
            }
        }

        let order = drafts.indices.sorted { drafts[$0].delay < drafts[$1].delay || (drafts[$0].delay == drafts[$1].delay && $0 < $1) }
        let windowMilliseconds = Int64(windowStart) * 1_000
        return order.enumerated().map { number, index in
            let draft = drafts[index]
            let tag = "\(seed)-\(day)-\(number)"
            let start = Double(windowMilliseconds + Int64(day) * 86_400_000 + Int64(draft.delay) * 1_000) / 1_000
            return Session(
                id: "s-" + tag,
                day: day,
                user: users[draft.user],
                dashboard: dashboards[draft.dashboard],
                candidates: dashboardCandidates[draft.dashboard],
                start: Date(timeIntervalSince1970: start),
                device: draft.device,
                capacity: draft.capacity,
                userIndex: draft.user,
                eventPrefix: "e-" + tag + "-",
                deadline: 86_400 - draft.delay - 5,
                outcomeSeed: SeededGenerator.mix(seed, SeededGenerator.Stream.outcome.rawValue, UInt64(day) << 32 | UInt64(number))
            )
        }
    }

    /// A second of the local day at which people open dashboards: mostly around a mid-morning
    /// and a mid-afternoon peak, sometimes anywhere between 7:00 and 22:00.
    static func localWorkingTime(using rng: inout SeededGenerator) -> Double {
        let draw = rng.nextUnit()
        let hour: Double
        if draw < 0.45 {
            hour = 9.75 + 1.1 * rng.nextGaussian()
        } else if draw < 0.9 {
            hour = 14.5 + 1.4 * rng.nextGaussian()
        } else {
            hour = 7 + 15 * rng.nextUnit()
        }
        return min(max(hour, 0), 23.999) * 3_600
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    static func weekday(localSeconds: Double) -> Int {
        let days = Int((localSeconds / 86_400).rounded(.down))
        return ((days + 3) % 7 + 7) % 7
    }

    static func positiveRemainder(_ value: Double, _ modulus: Double) -> Double {
        let remainder = value.truncatingRemainder(dividingBy: modulus)
        return remainder < 0 ? remainder + modulus : remainder
    }
}
