import Foundation
import LineupCore
import LineupStore
import Testing

extension StoreConformance {
    static let labelChecks: [Check] = [
        Check("labels: events label the items they name within the window; the policy is read-time", eventsLabelTheItemsTheyName),
        Check("labels: scanImpressions labels agree with LabelPolicy.label(of:servedAt:events:) on a seeded log", labelsFollowTheSwiftRule),
        Check("labels: scanScores labels agree with LabelPolicy.label(of:servedAt:events:) on a seeded log", scoreLabelsFollowTheSwiftRule),
    ]

    /// Policies that differ from the default in every number the rule reads: other grades
    /// (a negative one, a graded hide, none at all), a dwell threshold of zero, a window
    /// with a fractional skew, and a window that is a single instant.
    static let labelPolicies: [LabelPolicy] = [
        LabelPolicy(),
        LabelPolicy(
            grades: [.open: 3, .click: 1, .drilldown: 2, .pin: 4, .export: 5, .dwell: 6, .filterChange: 1, .unpin: -1, .view: 0, .unhide: 2],
            minimumDwellSeconds: 12.5, window: 600, clockSkew: 45.5),
        LabelPolicy(grades: [.dwell: 1, .hide: 3, .view: 1], minimumDwellSeconds: 0, window: 0, clockSkew: 0),
        LabelPolicy(grades: [:], minimumDwellSeconds: 30, window: 7200, clockSkew: 900),
    ]

    static func eventsLabelTheItemsTheyName(_ store: any Store) async throws {
        try await store.insertImpressions([served("r1"), served("r2", at: 5)])
        func event(_ id: String, _ request: String?, _ item: String, _ type: EventType, at minutes: Double, value: Double? = nil) -> Event {
            Sample.event(id, request: request, item: item, type: type, at: minutes * 60, value: value)
        }
        _ = try await store.insertEvents([
            event("e1", "r1", "w0", .click, at: 1),  // grade 1
            event("e2", "r1", "w0", .view, at: 2),  // views do not label
            event("e3", "r1", "w1", .dwell, at: 3, value: 45),  // long dwell: 2
            event("e4", "r1", "w2", .dwell, at: 3, value: 10),  // short dwell: nothing
            event("e5", "r2", "w0", .export, at: 6),  // grade 2
            event("e6", "r2", "w0", .hide, at: 7),  // ... but hidden: 0 and negative
            event("e7", "r2", "w1", .click, at: 5 + 31),  // after the 30-minute window
            event("e8", nil, "w2", .click, at: 6),  // no request id: no label
            event("e9", "r2", "w9", .click, at: 6),  // not shown in r2
        ])
        let read = try await store.labeledImpressions()
        #expect(read.map(\.labels) == [[1, 2, 0], [0, 0, 0]])
        #expect(read.map(\.negatives) == [[false, false, false], [true, false, false]])
        // The policy is read-time: a longer window and other grades relabel the history.
        var policy = LabelPolicy(window: 40 * 60)
        policy.grades[.click] = 3
        policy.minimumDwellSeconds = 5
        let relabelled = try await store.labeledImpressions(labels: policy)
        #expect(relabelled.map(\.labels) == [[3, 2, 2], [0, 3, 0]])
    }

    /// The issue's test: the label rule in Swift against the query that labels the log, on
    /// the same events. Training labels, offline metrics and the demos' figures come from
    /// one or the other; if they disagree anywhere, a model is trained on one truth and
    /// judged on another.
    static func labelsFollowTheSwiftRule(_ store: any Store) async throws {
        let log = EngagementLog(seed: 42, policies: labelPolicies)
        try await log.write(to: store)
        let byRequest = log.eventsByRequest
        let written = Dictionary(uniqueKeysWithValues: log.impressions.map { ($0.requestId, $0) })
        #expect(log.impressions.count >= 300 && log.events.count >= 2000)

        let home = ImpressionQuery(from: log.impressions[50].time, to: log.impressions[250].time, surface: "home")
        for (policy, query) in labelPolicies.map({ ($0, ImpressionQuery()) }) + [(labelPolicies[1], home)] {
            let read = try await store.labeledImpressions(query, labels: policy, features: false)
            #expect(read.map(\.impression.requestId) == log.impressions.filter(query.matches).map(\.requestId))
            var mismatches: [String] = []
            var graded = 0
            var negatives = 0
            var checked = 0
            for labeled in read {
                let impression = try #require(written[labeled.impression.requestId])
                #expect(labeled.impression.items.map(\.itemId) == impression.items.map(\.itemId))
                let events = byRequest[impression.requestId] ?? []
                for (position, item) in impression.items.enumerated() {
                    let rule = policy.label(of: item.itemId, servedAt: impression.time, events: events)
                    let stored = labeled.labels.indices.contains(position)
                        ? LabelPolicy.Label(grade: labeled.labels[position], negative: labeled.negatives[position]) : nil
                    checked += 1
                    if rule.grade > 0 { graded += 1 }
                    if rule.negative { negatives += 1 }
                    if stored != rule {
                        let named = events.filter { $0.itemId == item.itemId }
                        mismatches.append("""
                            \(impression.requestId) \(item.itemId): store \(stored.map(describe) ?? "none"), rule \(describe(rule)); \
                            events \(describe(named, servedAt: impression.time))
                            """)
                    }
                }
            }
            #expect(checked == log.impressions.filter(query.matches).reduce(0) { $0 + $1.items.count })
            #expect(
                mismatches.isEmpty,
                """
                \(mismatches.count) of \(checked) widgets labelled otherwise than the rule under \(policy):
                \(mismatches.prefix(6).joined(separator: "\n"))
                """)
            // The log must exercise the rule, or agreeing proves nothing.
            #expect(negatives > 0)
            #expect(policy.grades.values.allSatisfy { $0 <= 0 } ? graded == 0 : graded > 0)
        }
        // Events on the edges decide some labels: the log has ones exactly on each edge.
        for policy in labelPolicies {
            for edge in [policy.window, -policy.clockSkew] {
                #expect(log.events.contains { event in
                    guard let request = event.requestId, let served = written[request] else { return false }
                    return event.timestamp.timeIntervalSince(served.time) == edge && served.items.contains { $0.itemId == event.itemId }
                }, "an event exactly \(edge) s from its response")
            }
        }
    }

    /// The pooled AUC reads labels through `scanScores`: the same rule must hold there.
    static func scoreLabelsFollowTheSwiftRule(_ store: any Store) async throws {
        let log = EngagementLog(seed: 7, policies: labelPolicies, responses: 200)
        try await log.write(to: store)
        let byRequest = log.eventsByRequest
        for (policy, query) in labelPolicies.map({ ($0, ImpressionQuery()) }) + [(labelPolicies[1], ImpressionQuery(ranker: "two_stage"))] {
            let expected = log.impressions.filter(query.matches).flatMap { impression in
                impression.items.map { item in
                    LoggedScore(
                        score: item.score,
                        label: policy.label(of: item.itemId, servedAt: impression.time, events: byRequest[impression.requestId] ?? []).grade,
                        time: impression.time, ranker: impression.ranker, variant: impression.variant)
                }
            }
            let read = try await store.loggedScores(query, labels: policy)
            #expect(zip(read, read.dropFirst()).allSatisfy { $0.score <= $1.score }, "ascending by score")
            let (got, want) = (Multiset(read), Multiset(expected))
            #expect(got == want, "under \(policy): read \(got.count), expected \(want.count)")
            #expect(policy.grades.values.allSatisfy { $0 <= 0 } || expected.contains { $0.label > 0 })

            // Rescoring reads the same labels.
            let rescored = try await store.loggedScores(query, labels: policy, rescore: { $0[0] })
            let featured = log.impressions.filter(query.matches).flatMap { impression in
                impression.items.filter { !$0.features.isEmpty }.map { item in
                    LoggedScore(
                        score: item.features[0],
                        label: policy.label(of: item.itemId, servedAt: impression.time, events: byRequest[impression.requestId] ?? []).grade,
                        time: impression.time, ranker: impression.ranker, variant: impression.variant)
                }
            }
            #expect(Multiset(rescored) == Multiset(featured), "rescored, under \(policy)")
        }
    }

    static func describe(_ label: LabelPolicy.Label) -> String {
        "\(label.grade)\(label.negative ? " (hidden)" : "")"
    }

    /// Events as a failure message shows them: type, value and offset from the response.
    static func describe(_ events: [Event], servedAt served: Date) -> String {
        events.map { event in
            "\(event.type.rawValue)\(event.value.map { "(\($0))" } ?? "")@\(event.timestamp.timeIntervalSince(served))"
        }.joined(separator: ", ")
    }
}
