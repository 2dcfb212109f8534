import Foundation
import LineupCore
import LineupStore
import Testing

extension StoreConformance {
    static let impressionChecks: [Check] = [
        Check("impressions: read back as served, with their feature vectors", impressionsReadBackAsServed),
        Check("impressions: a request id already logged is left as it was", loggedRequestIdsStay),
        Check("impressions: scanning without features reads items without vectors", scanWithoutFeatures),
        Check("impressions: from, to and the filters select impressions, oldest first", filtersAndWindowSelectImpressions),
        Check("impressions: every filter of ImpressionQuery, alone and combined, selects what it documents", everyQueryFilter),
        Check("impressions: scores stream in ascending order with their labels", scoresStreamInAscendingOrder),
        Check("impressions: withFeatures and rescore skip items logged without features", scoresOfFeaturedItems),
    ]

    /// A response as the engine's impression log writes it; `minutes` after `t0`.
    static func served(
        _ id: String, user: String = "u", at minutes: Double = 0, ranker: String = "two_stage", scores: [Float] = [0.9, 0.5, 0.1]
    ) -> Impression {
        Sample.impression(id, user: user, at: minutes * 60, ranker: ranker, modelVersion: ranker == "two_stage" ? "m1" : nil,
                          scores: scores)
    }

    static func impressionsReadBackAsServed(_ store: any Store) async throws {
        let t0 = Sample.t0
        let served = [served("r1"), served("r2", at: 1, ranker: "fallback")]
        try await store.insertImpressions(served)
        try await store.insertImpressions([self.served("r1", at: 9)])  // a logged id stays as it was
        let read = try await store.labeledImpressions()
        #expect(read.count == 2)
        #expect(read[0].impression.requestId == "r1" && read[0].impression.time == t0)
        #expect(read[1].impression.ranker == "fallback" && read[1].impression.modelVersion == nil)
        for (got, want) in zip(read.map(\.impression), served) {
            #expect(got.items.map(\.itemId) == want.items.map(\.itemId))
            #expect(got.items.map(\.score) == want.items.map(\.score))
            #expect(got.context == want.context)
            // NaN survives; compare bit patterns.
            #expect(got.items.map { $0.features.map(\.bitPattern) } == want.items.map { $0.features.map(\.bitPattern) })
            #expect(got.isSame(as: want), "every field as served")
        }
        // Every optional field set, and none.
        var full = Sample.impression(
            "r-full", user: "u2", at: 120, surface: "reports", ranker: "two_stage", modelVersion: "m7", experiment: "x",
            variant: "b", scores: [0.25, -3.5], items: ["w9", "w3"])
        full.context = ["device": "mobile", "page": "/q?a=1&b=\"2\""]
        full.layoutArm = "list"
        full.layoutPropensity = 0.375
        full.layoutSegment = "mobile|analyst"
        full.schemaVersion = 4
        full.items[1].pinned = true
        full.items[1].retrievalScore = -0.125
        full.items[1].features = [.infinity, -0.0, .nan, 1e-30]
        var bare = Sample.impression("r-bare", at: 180, modelVersion: nil, scores: [0.5], features: false)
        bare.context = [:]
        try await store.insertImpressions([full, bare])
        let all = try await store.labeledImpressions()
        #expect(all.map(\.impression.requestId) == ["r1", "r2", "r-full", "r-bare"])
        #expect(all.count == 4 && all[2].impression.isSame(as: full) && all[3].impression.isSame(as: bare))
        #expect(all.allSatisfy { $0.labels.count == $0.impression.items.count && $0.negatives.count == $0.labels.count })
    }

    /// The log is written off the request path and retried on failure: a retried batch
    /// must neither duplicate nor alter what was logged.
    static func loggedRequestIdsStay(_ store: any Store) async throws {
        let original = Sample.impression("r1", user: "u1", at: 0, experiment: "x", variant: "a")
        try await store.insertImpressions([original, Sample.impression("r2", at: 10)])
        var altered = Sample.impression("r1", user: "u2", at: 500, surface: "reports", ranker: "fallback",
                                        experiment: "x", variant: "b", scores: [0.1])
        altered.layoutArm = "grid"
        altered.layoutPropensity = 0.5
        try await store.insertImpressions([altered, Sample.impression("r3", at: 20)])
        let read = try await store.labeledImpressions().map(\.impression)
        #expect(read.map(\.requestId) == ["r1", "r2", "r3"])
        #expect(read.first?.isSame(as: original) == true)
        #expect(try await store.impressions(userId: "u2").isEmpty)
        #expect(try await store.exposures(experiment: "x") == ["a": 1], "the ignored copy exposes nobody")
        #expect(try await store.layoutDecisions().isEmpty, "nor makes a layout decision")
        try await store.insertImpressions([])
        #expect(try await store.labeledImpressions().count == 3)
    }

    static func scanWithoutFeatures(_ store: any Store) async throws {
        let written = [Sample.impression("r1"), Sample.impression("r2", at: 5, features: false)]
        try await store.insertImpressions(written)
        let read = try await store.labeledImpressions(features: false)
        #expect(read.map(\.impression) == written.map(\.withoutFeatures))
        #expect(read.allSatisfy { $0.impression.items.allSatisfy { item in item.features.isEmpty } })
        let withFeatures = try await store.labeledImpressions(features: true)
        #expect(withFeatures.count == 2 && zip(withFeatures, written).allSatisfy { $0.impression.isSame(as: $1) })
    }

    static func filtersAndWindowSelectImpressions(_ store: any Store) async throws {
        let t0 = Sample.t0
        try await store.insertImpressions([served("r1"), served("r2", at: 10, ranker: "fallback"), served("r3", at: 20)])
        let window = try await store.labeledImpressions(
            ImpressionQuery(from: t0.addingTimeInterval(5 * 60), to: t0.addingTimeInterval(20 * 60)))
        #expect(window.map(\.impression.requestId) == ["r2"])
        let twoStage = try await store.labeledImpressions(ImpressionQuery(ranker: "two_stage", modelVersion: "m1"))
        #expect(twoStage.map(\.impression.requestId) == ["r1", "r3"])
        #expect(try await store.labeledImpressions(ImpressionQuery(surface: "elsewhere")).isEmpty)
    }

    /// Offline evaluation, replay and the A/B analysis each select their slice of the log
    /// with these filters; every reader of the log (impressions, scores, layout decisions)
    /// must select the same slice.
    static func everyQueryFilter(_ store: any Store) async throws {
        var rng = SeededGenerator(seed: 5)
        let surfaces = ["home", "reports", "sales"]
        let rankers = ["two_stage", "fallback", "popularity"]
        var written: [Impression] = []
        for index in 0..<90 {
            let ranker = rankers.randomElement(using: &rng)!
            let experiment = ["x", "y", nil].randomElement(using: &rng)!
            var impression = Sample.impression(
                "r\(index)", user: "u\(index % 5)",
                at: Double(index * 10 + Int.random(in: 0..<10, using: &rng)), surface: surfaces.randomElement(using: &rng)!,
                ranker: ranker, modelVersion: ranker == "two_stage" ? ["m1", "m2"].randomElement(using: &rng)! : nil,
                experiment: experiment, variant: experiment == nil ? nil : ["a", "b", nil].randomElement(using: &rng)!,
                scores: (0..<Int.random(in: 1...4, using: &rng)).map { _ in Float(Int.random(in: 0..<1000, using: &rng)) / 1000 })
            if Bool.random(using: &rng) {
                impression.layoutArm = ["grid", "list"].randomElement(using: &rng)!
                impression.layoutPropensity = 0.5
                impression.layoutSegment = "desktop"
            }
            written.append(impression)
        }
        // Written out of order, in a few batches.
        let shuffled = written.shuffled(using: &rng)
        for batch in stride(from: 0, to: shuffled.count, by: 25) {
            try await store.insertImpressions(Array(shuffled[batch..<min(shuffled.count, batch + 25)]))
        }
        let times = written.map(\.time).sorted()
        let queries: [ImpressionQuery] = [
            .init(),
            .init(from: times[30]), .init(to: times[30]), .init(from: times[10], to: times[70]),
            .init(from: times[40], to: times[40]), .init(from: times[89].addingTimeInterval(1)),
            .init(from: times[0].addingTimeInterval(-1), to: times[0].addingTimeInterval(0.001)),
            .init(surface: "reports"), .init(surface: "nowhere"), .init(experiment: "x"), .init(experiment: "y", variant: "a"),
            .init(variant: "b"), .init(ranker: "fallback"), .init(ranker: "two_stage", modelVersion: "m2"), .init(modelVersion: "m1"),
            .init(from: times[20], to: times[80], surface: "home", experiment: "x", variant: "a", ranker: "two_stage", modelVersion: "m1"),
            .init(from: times[5], surface: "sales", ranker: "popularity"),
        ]
        for query in queries {
            let expected = written.filter(query.matches).sorted { $0.time < $1.time }
            let read = try await store.labeledImpressions(query, features: false)
            #expect(read.map(\.impression.requestId) == expected.map(\.requestId), "\(query)")
            let scores = try await store.loggedScores(query)
            #expect(scores.count == expected.reduce(0) { $0 + $1.items.count }, "\(query)")
            let decisions = try await store.layoutDecisions(query)
            #expect(decisions == expected.filter { $0.layoutArm != nil }.map { Sample.decision(of: $0, reward: nil) }, "\(query)")
        }
    }

    static func scoresStreamInAscendingOrder(_ store: any Store) async throws {
        try await store.insertImpressions([served("r1", scores: [0.9, 0.2, 0.4]), served("r2", scores: [0.3, 0.8])])
        _ = try await store.insertEvents([
            Sample.event("e1", request: "r1", item: "w1", type: .click, at: 60),
            Sample.event("e2", request: "r2", item: "w1", type: .pin, at: 60),
        ])
        let logged = try await store.loggedScores().map { ($0.score, $0.label) }
        #expect(logged.map(\.0) == [0.2, 0.3, 0.4, 0.8, 0.9])
        #expect(logged.map(\.1) == [1, 0, 0, 2, 0])
        // Rescoring reads each item's logged features: here, minus its first one.
        let rescored = try await store.loggedScores(withFeatures: true, rescore: { -$0[0] }).map { ($0.score, $0.label) }
        #expect(rescored.map(\.0) == [-0.9, -0.8, -0.4, -0.3, -0.2])
        #expect(rescored.map(\.1) == [0, 2, 0, 0, 1])
    }

    /// A model is evaluated on the vectors it would have scored; an item logged without one
    /// (a popularity response, a fallback) has nothing to rescore and must not count as a
    /// prediction of zero.
    static func scoresOfFeaturedItems(_ store: any Store) async throws {
        var rng = SeededGenerator(seed: 3)
        var written: [Impression] = []
        for index in 0..<40 {
            let featured = index % 3 != 0
            var impression = Sample.impression(
                "r\(index)", at: Double(index * 60), ranker: featured ? "two_stage" : "popularity",
                modelVersion: featured ? "m1" : nil, variant: index % 2 == 0 ? "a" : nil,
                scores: (0..<4).map { _ in Float(Int.random(in: -500..<500, using: &rng)) / 256 }, features: featured)
            if featured && index % 4 == 1 { impression.items[2].features = [] }  // one item of a scored response unscored
            written.append(impression)
        }
        try await store.insertImpressions(written)
        let events = written.enumerated().compactMap { index, impression in
            index % 2 == 0 ? nil : Sample.event("e\(index)", request: impression.requestId, item: "w\(index % 4)",
                                                  type: index % 5 == 0 ? .pin : .open, at: Double(index * 60 + 5))
        }
        _ = try await store.insertEvents(events)
        let policy = LabelPolicy()
        let rescore: @Sendable ([Float]) -> Float = { $0[0] * 2 - $0[2] }
        func expected(featuredOnly: Bool, rescore: (([Float]) -> Float)?) -> [LoggedScore] {
            written.flatMap { impression in
                impression.items.compactMap { item -> LoggedScore? in
                    if featuredOnly && item.features.isEmpty { return nil }
                    let label = policy.label(
                        of: item.itemId, servedAt: impression.time, events: events.filter { $0.requestId == impression.requestId })
                    return LoggedScore(score: rescore?(item.features) ?? item.score, label: label.grade, time: impression.time,
                                       ranker: impression.ranker, variant: impression.variant)
                }
            }
        }
        #expect(expected(featuredOnly: false, rescore: nil).contains { $0.label > 0 }, "some items are engaged")
        let variants: [(Bool, (@Sendable ([Float]) -> Float)?)] = [(false, nil), (true, nil), (false, rescore), (true, rescore)]
        for (withFeatures, function) in variants {
            let read = try await store.loggedScores(withFeatures: withFeatures, rescore: function)
            let want = expected(featuredOnly: withFeatures || function != nil, rescore: function)
            #expect(zip(read, read.dropFirst()).allSatisfy { $0.score <= $1.score }, "ascending by score")
            #expect(Multiset(read) == Multiset(want), "withFeatures \(withFeatures), rescore \(function != nil)")
        }
    }
}
