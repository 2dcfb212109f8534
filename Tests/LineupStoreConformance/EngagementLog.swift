import Foundation
import LineupCore
import LineupStore

/// A seeded log of responses and the events that answer them, drawn to probe the label
/// rule where a translation of it can go wrong.
///
/// Every `EventType` occurs; dwells last exactly each policy's threshold, a millisecond
/// less or more, or carry no value; events land exactly on each policy's window edges
/// (`window` after the response, `clockSkew` before it, the response itself), a
/// millisecond inside or outside them, anywhere in between, or hours away; they name shown
/// widgets, widgets of other responses and widgets never shown, and carry the response's
/// request id, another response's, one that was never served, or none. Responses are
/// minutes apart, so windows overlap and an event of one response lies in another's window.
struct EngagementLog {
    var impressions: [Impression] = []
    var events: [Event] = []

    /// The experiment most responses were served under; its variant is a function of the user.
    static let experiment = "x"
    static let variants = ["a", "b", "c"]

    init(seed: UInt64, policies: [LabelPolicy], responses: Int = 300, eventsPerResponse: ClosedRange<Int> = 0...18) {
        var rng = SeededGenerator(seed: seed)
        let catalog = (0..<40).map { "w\($0)" }
        var edges: Set<Double> = [-0.001, 0, 0.001]
        for policy in policies {
            for edge in [policy.window, -policy.clockSkew] {
                for delta in [-0.001, 0, 0.001] { edges.insert(edge + delta) }
            }
        }
        let offsets = edges.sorted()
        var thresholds: Set<Double> = [0, 1, 600]
        for policy in policies {
            for delta in [-0.001, 0, 0.001] { thresholds.insert(policy.minimumDwellSeconds + delta) }
        }
        let dwells: [Double?] = thresholds.sorted().map { Optional($0) } + [nil]
        let reach = (
            before: policies.map(\.clockSkew).max() ?? 0,
            after: policies.map(\.window).max() ?? 0
        )

        var seconds = 0
        for index in 0..<responses {
            seconds += Int.random(in: 1...240, using: &rng)
            let user = index % 23
            let experiment: String? = [Self.experiment, Self.experiment, "y", nil].randomElement(using: &rng)!
            let variant: String? = experiment == nil || index % 17 == 0 ? nil : Self.variants[user % Self.variants.count]
            let ranker = ["two_stage", "fallback", "popularity"].randomElement(using: &rng)!
            let shown = catalog.shuffled(using: &rng).prefix(Int.random(in: 1...8, using: &rng))
            impressions.append(Impression(
                requestId: "req-\(index)", time: Sample.time(Double(seconds)), userId: "u\(user)",
                surface: ["home", "reports"].randomElement(using: &rng)!, experiment: experiment, variant: variant,
                ranker: ranker, modelVersion: ranker == "two_stage" ? "m1" : nil, schemaVersion: 1,
                items: shown.enumerated().map { position, item in
                    ImpressionItem(
                        itemId: item, position: position + 1, score: Float(Int.random(in: 0..<4096, using: &rng)) / 4096,
                        retrievalScore: 0.5, pinned: false, features: ranker == "two_stage" ? [Float(position), 1] : [])
                }))
        }

        for (index, anchor) in impressions.enumerated() {
            for _ in 0..<Int.random(in: eventsPerResponse, using: &rng) {
                // Whose request id the event carries, and so whose window it is timed against.
                let roll = Double.random(in: 0..<1, using: &rng)
                let named: Impression? =
                    roll < 0.72 ? anchor
                    : roll < 0.84 ? impressions[max(0, min(impressions.count - 1, index + Int.random(in: -3...3, using: &rng)))]
                    : nil
                let requestId = named?.requestId ?? (roll < 0.92 ? nil : "ghost-\(index)")
                let base = named ?? anchor
                let item = Double.random(in: 0..<1, using: &rng) < 0.8
                    ? base.items.randomElement(using: &rng)!.itemId : catalog.randomElement(using: &rng)!
                let type = EventType.allCases.randomElement(using: &rng)!
                let value: Double? = type == .dwell
                    ? dwells.randomElement(using: &rng)!
                    : Bool.random(using: &rng) ? nil : Double(Int.random(in: 0..<100_000, using: &rng)) / 1000
                let kind = Double.random(in: 0..<1, using: &rng)
                let offset: Double
                if kind < 0.4 {
                    offset = offsets.randomElement(using: &rng)!
                } else if kind < 0.8 {
                    let range = Int(-reach.before * 1000) - 5000...Int(reach.after * 1000) + 5000
                    offset = Double(Int.random(in: range, using: &rng)) / 1000
                } else {
                    offset = Double(Int.random(in: -4 * 3_600_000...4 * 3_600_000, using: &rng)) / 1000
                }
                events.append(Event(
                    eventId: "ev-\(events.count)", userId: anchor.userId, itemId: item, type: type, value: value,
                    timestamp: base.time.addingTimeInterval(offset), requestId: requestId, receivedAt: Sample.t0))
            }
        }
    }

    /// The events carrying each request id: all the label rule is given.
    var eventsByRequest: [String: [Event]] {
        Dictionary(grouping: events.filter { $0.requestId != nil }, by: { $0.requestId! })
    }

    /// Writes the log in batches, events before the responses they answer for some.
    func write(to store: any Store) async throws {
        let half = events.count / 2
        _ = try await store.insertEvents(Array(events[..<half]))
        for start in stride(from: 0, to: impressions.count, by: 100) {
            try await store.insertImpressions(Array(impressions[start..<min(impressions.count, start + 100)]))
        }
        for start in stride(from: half, to: events.count, by: 1000) {
            _ = try await store.insertEvents(Array(events[start..<min(events.count, start + 1000)]))
        }
    }
}
