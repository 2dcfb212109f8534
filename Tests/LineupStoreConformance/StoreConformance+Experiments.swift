import Foundation
import LineupCore
import LineupStore
import Testing

extension StoreConformance {
    static let experimentChecks: [Check] = [
        Check("experiments: saveExperiment then experiments() round-trips every field, in creation order", experimentsRoundTrip),
        Check("experiments: saving an experiment again updates it in place", experimentUpdateInPlace),
        Check("experiments: a save naming another createdAt keeps the original createdAt", experimentUpdateKeepsCreation),
        Check("experiments: impressions with an experiment and a variant expose their user once", exposuresOncePerUser),
        Check("experiments: experimentUnits counts requests, engaged requests and engaged widgets per variant and user", experimentUnits),
    ]

    static func experiment(_ id: String, createdAt: Date, salt: String = "salt-1") -> Experiment {
        Experiment(
            id: id, salt: salt,
            variants: [
                .init(id: "control", weight: 0.5),
                .init(id: "treatment", weight: 1.5,
                      overrides: .init(ranker: "two_stage", modelVersion: "m2", retrievalK: 200, bandit: "frozen")),
            ],
            control: "control", targeting: .init(surfaces: ["home"], roles: ["analyst", "executive"]),
            start: createdAt.addingTimeInterval(3600), stop: createdAt.addingTimeInterval(86_400 * 14),
            createdAt: createdAt, updatedAt: createdAt)
    }

    static func experimentsRoundTrip(_ store: any Store) async throws {
        #expect(try await store.experiments().isEmpty)
        let later = experiment("b-later", createdAt: Sample.time(100))
        let earlier = experiment("z-earlier", createdAt: Sample.time(0))
        let open = Experiment(id: "a-open", salt: "s", variants: [.init(id: "only", weight: 1)], control: "only",
                              createdAt: Sample.time(50), updatedAt: Sample.time(50))
        for experiment in [later, earlier, open] { try await store.saveExperiment(experiment) }
        #expect(try await store.experiments() == [earlier, open, later])
    }

    /// The engine changes a running experiment's stop, say: the experiment keeps its place
    /// among the others and reads back as last saved.
    static func experimentUpdateInPlace(_ store: any Store) async throws {
        let first = experiment("first", createdAt: Sample.time(0))
        let second = experiment("second", createdAt: Sample.time(10))
        try await store.saveExperiment(first)
        try await store.saveExperiment(second)
        var stopped = first
        stopped.stop = Sample.time(7200)
        stopped.updatedAt = Sample.time(7000)
        try await store.saveExperiment(stopped)
        #expect(try await store.experiments() == [stopped, second])
    }

    /// Like items and users, an experiment is created once: a save that names another
    /// creation time must not make the list disagree with its own order ("creation order"
    /// by a createdAt that the experiments no longer show).
    static func experimentUpdateKeepsCreation(_ store: any Store) async throws {
        let first = experiment("first", createdAt: Sample.time(0))
        let second = experiment("second", createdAt: Sample.time(10))
        try await store.saveExperiment(first)
        try await store.saveExperiment(second)
        var resent = first
        resent.salt = "salt-2"
        resent.createdAt = Sample.time(9000)
        resent.updatedAt = Sample.time(9000)
        try await store.saveExperiment(resent)
        var expected = resent
        expected.createdAt = first.createdAt
        let read = try await store.experiments()
        #expect(read.map(\.id) == ["first", "second"], "the experiment keeps its place")
        #expect(read == [expected, second], "and its createdAt")
    }

    /// Exposures are the denominators of an experiment's analysis: one per user, written
    /// with the impression that exposed them, never by a request that was not logged.
    static func exposuresOncePerUser(_ store: any Store) async throws {
        try await store.insertImpressions([Sample.impression("r0", user: "v6")])
        let impressions = [
            Sample.impression("r1", user: "v1", at: 1, experiment: "x", variant: "a"),
            Sample.impression("r2", user: "v1", at: 2, experiment: "x", variant: "a"),
            Sample.impression("r3", user: "v2", at: 3, experiment: "x", variant: "a"),
            Sample.impression("r4", user: "v3", at: 4, experiment: "x", variant: "b"),
            Sample.impression("r5", user: "v4", at: 5, experiment: "x"),  // no variant: not exposed
            Sample.impression("r6", user: "v5", at: 6, experiment: "y", variant: "a"),
            Sample.impression("r0", user: "v6", at: 7, experiment: "x", variant: "b"),  // r0 is already logged
        ]
        try await store.insertImpressions(Array(impressions[..<3]))
        try await store.insertImpressions(Array(impressions[3...]))
        try await store.insertImpressions([Sample.impression("r7", user: "v1", at: 8, experiment: "x", variant: "a")])
        #expect(try await store.exposures(experiment: "x") == ["a": 2, "b": 1])
        #expect(try await store.exposures(experiment: "y") == ["a": 1])
        #expect(try await store.exposures(experiment: "none").isEmpty)

        // The same counts from the seeded log, whose users keep their variant.
        let log = EngagementLog(seed: 9, policies: [LabelPolicy()], responses: 150, eventsPerResponse: 0...0)
        try await log.write(to: store)
        var users: [String: Set<String>] = [:]
        for impression in log.impressions where impression.experiment == EngagementLog.experiment {
            guard let variant = impression.variant else { continue }
            users[variant, default: []].insert(impression.userId)
        }
        var expected = users.mapValues(\.count)
        expected["a", default: 0] += 2
        expected["b", default: 0] += 1
        #expect(try await store.exposures(experiment: EngagementLog.experiment) == expected)
    }

    /// The per-user units an experiment's analysis computes its ratios and intervals over,
    /// against the definitions of `ExperimentStore.experimentUnits` computed in Swift.
    static func experimentUnits(_ store: any Store) async throws {
        let log = EngagementLog(seed: 21, policies: labelPolicies, responses: 250)
        try await log.write(to: store)
        let byRequest = log.eventsByRequest
        let cases: [(types: Set<EventType>, window: TimeInterval, skew: TimeInterval)] =
            labelPolicies.map { ($0.engagementTypes, $0.window, $0.clockSkew) } + [([.hide, .view, .dwell], 600, 45.5), ([], 1800, 300)]
        for (types, window, skew) in cases {
            let rule = LabelPolicy(window: window, clockSkew: skew)
            func engages(_ event: Event, _ impression: Impression) -> Bool {
                types.contains(event.type) && rule.counts(event.timestamp, servedAt: impression.time)
            }
            var units: [String: ExperimentUnit] = [:]
            for impression in log.impressions where impression.experiment == EngagementLog.experiment {
                guard let variant = impression.variant else { continue }
                let events = byRequest[impression.requestId] ?? []
                var unit = units["\(variant)|\(impression.userId)"]
                    ?? ExperimentUnit(variant: variant, userId: impression.userId, requests: 0, engagedRequests: 0)
                unit.requests += 1
                if events.contains(where: { engages($0, impression) }) { unit.engagedRequests += 1 }
                unit.engagedWidgets += impression.items.filter { item in
                    events.contains { $0.itemId == item.itemId && engages($0, impression) }
                }.count
                units["\(variant)|\(impression.userId)"] = unit
            }
            let read = try await store.experimentUnits(
                experiment: EngagementLog.experiment, engagementTypes: types, window: window, clockSkew: skew)
            #expect(Multiset(read) == Multiset(units.values), "engagement \(types.map(\.rawValue).sorted()), window \(window), skew \(skew)")
            #expect(types.isEmpty || units.values.contains { $0.engagedWidgets > 0 })
        }
        #expect(try await store.experimentUnits(experiment: "nothing", engagementTypes: [.click], window: 60, clockSkew: 0).isEmpty)
    }
}
