import Foundation
import LineupCore
import LineupStore
import Testing

extension StoreConformance {
    static let layoutChecks: [Check] = [
        Check("layouts: saveSurfaceLayouts then surfaceLayouts round-trips arms in order, params, retired and frozen", surfaceLayoutsRoundTrip),
        Check(
            "layouts: settling named requests rewards those with a rewarding event in the window, each decision once ever",
            settleNamedRequests),
        Check("layouts: closeBefore settles the decisions made before it with 1 or 0", settleClosedWindows),
        Check("layouts: update reads the stored evidence by key and what it returns is stored", settleStoresEvidence),
        Check("layouts: when update throws nothing is settled and nothing stored", settleRollsBack),
        Check("layouts: resetEvidence forgets one surface's evidence and keeps the rewards", resetEvidence),
        Check("layouts: scanLayoutDecisions returns decisions with their rewards, oldest first", scanLayoutDecisions),
    ]

    /// The settlement the layout checks use: opens and clicks reward within ten minutes.
    static func settlement(_ requestIds: [String] = [], closeBefore: Date? = nil) -> LayoutSettlement {
        LayoutSettlement(requestIds: requestIds, closeBefore: closeBefore, rewardTypes: [.open, .click], window: 600, clockSkew: 30)
    }

    /// The reward `settlement` documents for `decision`: 1 when an event of its reward types
    /// carries the request id within the window (the label rule's window), else 0.
    static func reward(_ decision: Impression, _ settlement: LayoutSettlement, events: [Event]) -> Int {
        let window = LabelPolicy(window: settlement.window, clockSkew: settlement.clockSkew)
        return events.contains { event in
            event.requestId == decision.requestId && settlement.rewardTypes.contains(event.type)
                && window.counts(event.timestamp, servedAt: decision.time)
        } ? 1 : 0
    }

    /// A bandit's arithmetic small enough to check: each settled decision adds its reward to
    /// successes and the rest to failures of its (surface, segment, arm) row, read from the
    /// store the first time it is needed.
    static func tally(_ stored: EvidenceReader, _ settled: [LayoutDecision], at time: Date) throws -> [ArmEvidence] {
        var rows: [String: ArmEvidence] = [:]
        for decision in settled {
            let key = "\(decision.surface)|\(decision.segment)|\(decision.arm)"
            var row = try rows[key] ?? stored(decision.surface, decision.segment, decision.arm) ?? ArmEvidence(
                surface: decision.surface, segment: decision.segment, arm: decision.arm, successes: 0, failures: 0, updatedAt: time)
            row.successes += Double(decision.reward ?? 0)
            row.failures += Double(1 - (decision.reward ?? 0))
            row.updatedAt = time
            rows[key] = row
        }
        return Array(rows.values)
    }

    /// `tally` over evidence held in memory: what the store should hold after it.
    static func tally(_ held: [ArmEvidence], _ settled: [LayoutDecision], at time: Date) -> [ArmEvidence] {
        let byKey = Dictionary(uniqueKeysWithValues: held.map { ("\($0.surface)|\($0.segment)|\($0.arm)", $0) })
        let changed = (try? tally({ byKey["\($0)|\($1)|\($2)"] }, settled, at: time)) ?? []
        let changedKeys = Set(changed.map { "\($0.surface)|\($0.segment)|\($0.arm)" })
        return held.filter { !changedKeys.contains("\($0.surface)|\($0.segment)|\($0.arm)") } + changed
    }

    static func surfaceLayoutsRoundTrip(_ store: any Store) async throws {
        #expect(try await store.surfaceLayouts().isEmpty)
        let t0 = Sample.t0
        let home = SurfaceLayouts(
            surface: "home",
            arms: [
                LayoutArm(id: "list", name: "List", params: ["columns": .number(2), "density": .string("compact")],
                          createdAt: t0, updatedAt: t0),
                LayoutArm(id: "grid", name: "Grid",
                          params: ["columns": .number(4), "sticky": .bool(true), "nested": .object(["a": .array([.null, .number(1.5)])])],
                          retired: true, createdAt: t0, updatedAt: Sample.time(60)),
                LayoutArm(id: "carousel", name: "Carousel", createdAt: Sample.time(30), updatedAt: Sample.time(30)),
            ],
            frozen: true)
        let reports = SurfaceLayouts(
            surface: "reports", arms: [LayoutArm(id: "grid", name: "Reports grid", createdAt: t0, updatedAt: t0)])
        try await store.saveSurfaceLayouts(home)
        try await store.saveSurfaceLayouts(reports)
        #expect(Set(try await store.surfaceLayouts()) == [home, reports])
        #expect(try await store.surfaceLayouts().first { $0.surface == "home" }?.arms.map(\.id) == ["list", "grid", "carousel"])

        // Saving replaces the surface's arms and flag, and leaves other surfaces alone.
        var changed = home
        changed.arms.remove(at: 2)
        changed.arms[0].retired = true
        changed.arms[0].updatedAt = Sample.time(120)
        changed.arms.append(LayoutArm(id: "tiles", name: "Tiles", params: ["size": .string("l")], createdAt: Sample.time(120),
                                      updatedAt: Sample.time(120)))
        changed.frozen = false
        try await store.saveSurfaceLayouts(changed)
        #expect(Set(try await store.surfaceLayouts()) == [changed, reports])
        #expect(try await store.surfaceLayouts().first { $0.surface == "home" }?.active.map(\.id) == ["tiles"])
    }

    /// Ingestion settles the requests its events name as they arrive; the reward must be
    /// counted once, however many events and settlers name the request.
    static func settleNamedRequests(_ store: any Store) async throws {
        let decisions = [
            Sample.decision("d1", at: 0),  // click in the window
            Sample.decision("d2", at: 60),  // click after the window
            Sample.decision("d3", at: 120, segment: nil),  // only a view
            Sample.decision("d4", at: 180, arm: "list"),  // open exactly at the window's end
            Sample.decision("d5", at: 240, surface: "reports"),  // click exactly clockSkew before
            Sample.decision("d6", at: 300),  // click just before the skew
            Sample.decision("d7", at: 360),  // nothing of its own; another request's click
            Sample.decision("d8", at: 420),  // rewarded, but not named
        ]
        let plain = Sample.impression("n1", at: 10)  // not a decision
        try await store.insertImpressions(decisions + [plain])
        let events = [
            Sample.event("c1", request: "d1", type: .click, at: 10), Sample.event("c2", request: "d2", type: .click, at: 60 + 601),
            Sample.event("c3", request: "d3", type: .view, at: 130), Sample.event("c4", request: "d4", type: .open, at: 180 + 600),
            Sample.event("c5", request: "d5", type: .click, at: 240 - 30), Sample.event("c6", request: "d6", type: .click, at: 300 - 30.001),
            Sample.event("c7", request: "n1", type: .click, at: 365), Sample.event("c8", request: "d8", type: .open, at: 425),
            Sample.event("c9", request: "d1", type: .open, at: 20),
        ]
        _ = try await store.insertEvents(events)

        let named = ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "n1", "unknown"]
        let settlement = settlement(named)
        let calls = Recorder<(settled: [LayoutDecision], read: [ArmEvidence?])>()
        let settled = try await store.settleLayouts(settlement) { settled, stored in
            calls.record((settled, try settled.map { try stored($0.surface, $0.segment, $0.arm) }))
            return try tally(stored, settled, at: Sample.time(1000))
        }
        let expected = decisions.filter { named.contains($0.requestId) && reward($0, settlement, events: events) == 1 }
            .map { Sample.decision(of: $0, reward: 1) }
        #expect(expected.map(\.requestId) == ["d1", "d4", "d5"])
        #expect(Multiset(settled) == Multiset(expected))
        let call = try #require(calls.values.first)
        #expect(calls.values.count == 1)
        #expect(call.read.allSatisfy { $0 == nil }, "nothing is stored yet")
        #expect(Multiset(call.settled) == Multiset(expected))
        #expect(Set(try await store.armEvidence()) == Set(tally([], expected, at: Sample.time(1000))))

        // Settled once ever: naming them again settles nothing and stores nothing more.
        let again = try await store.settleLayouts(settlement) { settled, stored in
            calls.record((settled, []))
            return try tally(stored, settled, at: Sample.time(2000))
        }
        #expect(again.isEmpty)
        #expect(calls.values.dropFirst().allSatisfy { $0.settled.isEmpty })
        #expect(Set(try await store.armEvidence()) == Set(tally([], expected, at: Sample.time(1000))))
        let rewards = Dictionary(uniqueKeysWithValues: try await store.layoutDecisions().map { ($0.requestId, $0.reward) })
        let rewarded = Set(expected.map(\.requestId))
        let wanted: [String: Int?] = Dictionary(
            uniqueKeysWithValues: decisions.map { ($0.requestId, rewarded.contains($0.requestId) ? 1 : nil) })
        #expect(rewards == wanted)
    }

    /// The settler service closes windows: a decision whose window has passed gets its 1 or
    /// 0, once, even when the same settlement also names it.
    static func settleClosedWindows(_ store: any Store) async throws {
        let decisions = (0..<10).map { Sample.decision("d\($0)", at: Double($0 * 100), surface: $0 % 3 == 0 ? "reports" : "home") }
        try await store.insertImpressions(decisions + [Sample.impression("n1", at: 50)])
        let events = [
            Sample.event("c1", request: "d1", type: .click, at: 110), Sample.event("c2", request: "d2", type: .view, at: 210),
            Sample.event("c4", request: "d4", type: .open, at: 400 + 600), Sample.event("c5", request: "d5", type: .open, at: 500 + 600.001),
            Sample.event("c6", request: "d6", type: .click, at: 590), Sample.event("c8", request: "d8", type: .click, at: 805),
            Sample.event("c9", request: "d9", type: .click, at: 905), Sample.event("n", request: "n1", type: .click, at: 55),
        ]
        _ = try await store.insertEvents(events)
        var history: [String: Int] = [:]

        // First the named d1 (rewarded) and d2 (not: stays open).
        let first = settlement(["d1", "d2"])
        let settled1 = try await store.settleLayouts(first) { settled, stored in try tally(stored, settled, at: Sample.time(1)) }
        #expect(Multiset(settled1) == Multiset([Sample.decision(of: decisions[1], reward: 1)]))
        for decision in settled1 { history[decision.requestId] = decision.reward }

        // Then names, and a close before d7: d7 and later stay open, except d8, which is
        // named and rewarded; d1 is not settled again, d6 (named and before) only once.
        let closeBefore = decisions[7].time
        let second = settlement(["d1", "d6", "d8"], closeBefore: closeBefore)
        let settled2 = try await store.settleLayouts(second) { settled, stored in try tally(stored, settled, at: Sample.time(2)) }
        let expected = decisions.filter { decision in
            let named = second.requestIds.contains(decision.requestId) && reward(decision, second, events: events) == 1
            return history[decision.requestId] == nil && (decision.time < closeBefore || named)
        }.map { Sample.decision(of: $0, reward: reward($0, second, events: events)) }
        #expect(expected.map(\.requestId) == ["d0", "d2", "d3", "d4", "d5", "d6", "d8"])
        #expect(Multiset(settled2) == Multiset(expected))
        #expect(Set(settled2.map(\.requestId)).count == settled2.count, "each decision once")
        for decision in settled2 { history[decision.requestId] = decision.reward }

        // A later close settles the rest; the plain response never.
        let last = try await store.settleLayouts(settlement(closeBefore: Sample.time(100_000))) { settled, stored in
            try tally(stored, settled, at: Sample.time(3))
        }
        #expect(Set(last.map(\.requestId)) == ["d7", "d9"])
        #expect(last.first { $0.requestId == "d9" }?.reward == 1 && last.first { $0.requestId == "d7" }?.reward == 0)
        for decision in last { history[decision.requestId] = decision.reward }
        let none = try await store.settleLayouts(settlement(closeBefore: Sample.time(200_000))) { settled, stored in
            try tally(stored, settled, at: Sample.time(4))
        }
        #expect(none.isEmpty)

        let logged = try await store.layoutDecisions()
        #expect(logged == decisions.map { Sample.decision(of: $0, reward: history[$0.requestId]) })
        // Every reward reached the evidence exactly once.
        let evidence = try await store.armEvidence()
        #expect(evidence.reduce(0) { $0 + $1.successes } == Double(history.values.reduce(0, +)))
        #expect(evidence.reduce(0) { $0 + $1.successes + $1.failures } == Double(decisions.count))
    }

    /// The evidence is read, updated and written with the settling, so that concurrent
    /// settlers neither lose nor double a reward: `update` reads the stored rows by key, and
    /// what it returns is upserted, the rest left as it was.
    static func settleStoresEvidence(_ store: any Store) async throws {
        let a1 = Sample.decision("a1", at: 0, surface: "A", segment: nil, arm: "x")
        let a2 = Sample.decision("a2", at: 10, surface: "A", segment: "s1", arm: "y")
        let c1 = Sample.decision("c1", at: 20, surface: "C", arm: "x")
        let b1 = Sample.decision("b1", at: 5000, surface: "B", arm: "z")
        let a3 = Sample.decision("a3", at: 5010, surface: "A", segment: nil, arm: "x")
        try await store.insertImpressions([a1, a2, c1, b1, a3])
        _ = try await store.insertEvents([
            Sample.event("e1", request: "a1", type: .click, at: 5), Sample.event("e2", request: "b1", type: .click, at: 5005),
            Sample.event("e3", request: "a3", type: .open, at: 5020),
        ])

        let first = try await store.settleLayouts(settlement(closeBefore: Sample.time(1000))) { settled, stored in
            try tally(stored, settled, at: Sample.time(1000))
        }
        #expect(Set(first.map(\.requestId)) == ["a1", "a2", "c1"])
        let afterFirst = tally([], first, at: Sample.time(1000))
        #expect(Set(try await store.armEvidence()) == Set(afterFirst))
        #expect(afterFirst.count == 3, "rows for A/''/x, A/s1/y and C/desktop/x")

        // Settling b1 and a3: the reader gives every stored row by its key (A's, and C's,
        // which no decision names) and nil for a row not stored; update returns a changed A
        // row and a new B row only, and the rows it leaves out stay as they were.
        let reads = Recorder<[ArmEvidence?]>()
        let second = try await store.settleLayouts(settlement(["b1", "a3"])) { settled, stored in
            reads.record([try stored("A", "", "x"), try stored("C", "desktop", "x"), try stored("B", "desktop", "z"),
                          try stored("A", "nowhere", "x")])
            return try tally(stored, settled, at: Sample.time(6000))
        }
        #expect(Set(second.map(\.requestId)) == ["b1", "a3"])
        let read = try #require(reads.values.first)
        #expect(reads.values.count == 1)
        #expect(read[0] == afterFirst.first { $0.surface == "A" && $0.segment == "" && $0.arm == "x" })
        #expect(read[1] == afterFirst.first { $0.surface == "C" })
        #expect(read[2] == nil && read[3] == nil)
        #expect(Set(try await store.armEvidence()) == Set(tally(afterFirst, second, at: Sample.time(6000))))
        #expect(try await store.armEvidence().count == 4)
        let ax = try #require(try await store.armEvidence().first { $0.surface == "A" && $0.segment == "" && $0.arm == "x" })
        #expect(ax.successes == 2 && ax.failures == 0 && ax.updatedAt == Sample.time(6000))
    }

    /// If the bandit's arithmetic fails, the rewards must stay unsettled so that a later
    /// settling counts them: settled without evidence, they would be lost to the bandit.
    static func settleRollsBack(_ store: any Store) async throws {
        let decisions = [
            Sample.decision("r0", at: 0), Sample.decision("r1", at: 100), Sample.decision("r2", at: 200),
        ]
        try await store.insertImpressions(decisions)
        let events = [Sample.event("e0", request: "r0", at: 5), Sample.event("e1", request: "r1", at: 105)]
        _ = try await store.insertEvents(events)
        let kept = try await store.settleLayouts(settlement(["r0"])) { settled, stored in try tally(stored, settled, at: Sample.time(1)) }
        #expect(kept.map(\.requestId) == ["r0"])
        let evidence = try await store.armEvidence()

        let failing = settlement(["r1"], closeBefore: Sample.time(10_000))
        await #expect(throws: (any Error).self) {
            try await store.settleLayouts(failing) { _, _ in throw CancellationError() }
        }
        #expect(try await store.layoutDecisions().map(\.reward) == [1, nil, nil])
        #expect(try await store.armEvidence() == evidence)

        let settled = try await store.settleLayouts(failing) { settled, stored in try tally(stored, settled, at: Sample.time(2)) }
        let expected = decisions.dropFirst().map { Sample.decision(of: $0, reward: reward($0, failing, events: events)) }
        #expect(Multiset(settled) == Multiset(expected))
        #expect(try await store.layoutDecisions().map(\.reward) == [1, 1, 0])
        let row = try #require(try await store.armEvidence().first)
        #expect(try await store.armEvidence().count == 1 && row.successes == 2 && row.failures == 1)
    }

    static func resetEvidence(_ store: any Store) async throws {
        let decisions = ["A", "B", "C"].enumerated().flatMap { index, surface in
            [Sample.decision("\(surface)1", at: Double(index * 10), surface: surface),
             Sample.decision("\(surface)2", at: Double(index * 10 + 1), surface: surface, segment: nil, arm: "list")]
        }
        try await store.insertImpressions(decisions)
        _ = try await store.insertEvents([Sample.event("e", request: "A1", at: 3)])
        _ = try await store.settleLayouts(settlement(closeBefore: Sample.time(10_000))) { settled, stored in
            try tally(stored, settled, at: Sample.time(10_000))
        }
        let before = try await store.armEvidence()
        #expect(Set(before.map(\.surface)) == ["A", "B", "C"])
        try await store.resetEvidence(surface: "B")
        #expect(Set(try await store.armEvidence()) == Set(before.filter { $0.surface != "B" }))
        try await store.resetEvidence(surface: "nowhere")
        #expect(Set(try await store.armEvidence()) == Set(before.filter { $0.surface != "B" }))
        // The decisions and their rewards stay in the log.
        #expect(try await store.layoutDecisions().map(\.reward) == [1, 0, 0, 0, 0, 0])
    }

    /// Off-policy evaluation reads the decisions with their propensities and rewards.
    static func scanLayoutDecisions(_ store: any Store) async throws {
        // Written out of time order; plain responses in between are not decisions.
        let decisions = [
            Sample.decision("d3", at: 300, surface: "reports", segment: "mobile|analyst", arm: "list", propensity: 0.125),
            Sample.decision("d1", at: 100, propensity: 0.75),
            Sample.decision("d2", at: 200, segment: nil, arm: "tiles", propensity: 1),
            Sample.decision("d4", at: 400, surface: "reports"),
        ]
        try await store.insertImpressions(decisions + [Sample.impression("n1", at: 150), Sample.impression("n2", at: 500)])
        let chronological = decisions.sorted { $0.time < $1.time }
        #expect(try await store.layoutDecisions() == chronological.map { Sample.decision(of: $0, reward: nil) })
        #expect(try await store.layoutDecisions().first { $0.requestId == "d2" }?.segment == "", "no segment reads as \"\"")

        _ = try await store.insertEvents([Sample.event("e", request: "d3", type: .open, at: 310)])
        let settled = try await store.settleLayouts(settlement(closeBefore: Sample.time(350))) { d, s in try tally(s, d, at: Sample.time(350)) }
        #expect(Set(settled.map(\.requestId)) == ["d1", "d2", "d3"])
        let rewards: [String: Int] = Dictionary(uniqueKeysWithValues: settled.map { ($0.requestId, $0.reward ?? -1) })
        #expect(try await store.layoutDecisions() == chronological.map { Sample.decision(of: $0, reward: rewards[$0.requestId]) })
        let reports = ImpressionQuery(surface: "reports")
        #expect(try await store.layoutDecisions(reports)
                == chronological.filter(reports.matches).map { Sample.decision(of: $0, reward: rewards[$0.requestId]) })
        let window = ImpressionQuery(from: Sample.time(200), to: Sample.time(400))
        #expect(try await store.layoutDecisions(window).map(\.requestId) == ["d2", "d3"])
    }
}
