import Foundation
import LineupCore
import LineupEngine
import LineupSQLite
import LineupStore
import Synchronization
import Testing

/// The layout bandit through the engine: arms, decisions in rank responses, rewards settled
/// once, persistence, freezing, segments and off-policy evaluation of the log.
@Suite struct LayoutTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// The engine's clock, which tests move on.
    final class TestClock: Sendable {
        let value: Mutex<Date>
        init(_ start: Date) { value = Mutex(start) }
    }

    struct Harness {
        let engine: Engine
        let store: SQLiteStore
        let clock: TestClock

        func advance(_ seconds: TimeInterval) { clock.value.withLock { $0 = $0.addingTimeInterval(seconds) } }
        var now: Date { clock.value.withLock { $0 } }

        func rank(_ user: String = "u1", device: String = "desktop") async throws -> Ranking {
            try await engine.rank(RankRequest(userId: user, surface: "home", k: 2, context: ["device": device]))
        }

        func engage(_ ranking: Ranking, user: String = "u1", type: EventType = .open, id: String? = nil, after: TimeInterval = 5)
            async throws
        {
            _ = try await engine.ingest([
                EventDraft(
                    eventId: id ?? "\(ranking.requestId)-\(type.rawValue)", userId: user,
                    itemId: ranking.items[0].itemId, type: type, timestamp: now.addingTimeInterval(after),
                    requestId: ranking.requestId)
            ])
        }
    }

    func harness(path: String? = nil, configure: (inout Engine.Configuration) -> Void = { _ in }) async throws -> Harness {
        let store = try path.map { try SQLiteStore(configuration: .init(path: $0)) } ?? SQLiteStore()
        var configuration = Engine.Configuration(embeddingDimension: 2)
        configuration.impressionLog.flushInterval = .seconds(3_600)
        configuration.maxClockSkew = 60
        configuration.layouts.seed = 7
        configure(&configuration)
        let clock = TestClock(start)
        let engine = Engine(configuration: configuration, store: store, now: { clock.value.withLock { $0 } })
        if (try await store.statistics()).items == 0 {
            _ = try await engine.importItems([
                ItemDraft(id: "a", title: "Revenue", type: "kpi", embedding: [1, 0]),
                ItemDraft(id: "b", title: "Churn", type: "chart", embedding: [0, 1]),
            ])
        }
        try await engine.warmUp()
        return Harness(engine: engine, store: store, clock: clock)
    }

    func arms(_ ids: String...) -> [LayoutDraft] {
        ids.map { LayoutDraft(id: $0, name: "Layout \($0)", params: ["columns": .number(Double($0.count))]) }
    }

    func evidence(_ harness: Harness, segment: String = "") throws -> [String: (Double, Double)] {
        let state = try harness.engine.banditState(surface: "home")
        let found = state.segments.first { $0.segment == segment }?.arms ?? []
        return Dictionary(uniqueKeysWithValues: found.map { ($0.arm, ($0.successes, $0.failures)) })
    }

    func successes(_ counts: [String: (Double, Double)]) -> Double { counts.values.map(\.0).reduce(0, +) }
    func failures(_ counts: [String: (Double, Double)]) -> Double { counts.values.map(\.1).reduce(0, +) }
    func total(_ counts: [String: (Double, Double)]) -> Double { successes(counts) + failures(counts) }

    @Test func layoutsAreAddedChangedAndRetired() async throws {
        let harness = try await harness()
        let first = try await harness.engine.putLayouts(surface: "home", arms("grid", "list", "compact"))
        #expect(first.arms.map(\.id) == ["grid", "list", "compact"])
        #expect(first.active.count == 3)
        harness.advance(60)
        let second = try await harness.engine.putLayouts(
            surface: "home", [LayoutDraft(id: "grid", name: "Big grid"), LayoutDraft(id: "list", name: "Layout list")])
        #expect(second.arms.map(\.id) == ["grid", "list", "compact"])
        #expect(second.arms.map(\.retired) == [false, false, true])
        #expect(second.arms[0].name == "Big grid" && second.arms[0].updatedAt == harness.now)
        #expect(second.arms[0].createdAt == start)
        // A retired layout is never chosen again.
        for _ in 0..<50 { #expect(try await harness.rank().layout?.arm != "compact") }
        // ... and cannot come back under its id; nothing changes.
        await #expect(throws: ServiceError.conflict(
            field: "layouts[0].id", reason: "layout 'compact' was retired; give the new layout another id")) {
            _ = try await harness.engine.putLayouts(surface: "home", arms("compact"))
        }
        await #expect(throws: ServiceError.self) { _ = try await harness.engine.putLayouts(surface: "home", arms("grid", "grid")) }
        await #expect(throws: ServiceError.invalid(ValidationError(field: "layouts[1].name", reason: "must be 1 to 200 characters"))) {
            _ = try await harness.engine.putLayouts(surface: "home", [LayoutDraft(id: "grid", name: "G"), LayoutDraft(id: "x", name: " ")])
        }
        #expect(try harness.engine.layouts(surface: "home") == second)
        #expect(throws: ServiceError.notFound(kind: "surface", id: "nowhere")) { try harness.engine.layouts(surface: "nowhere") }
    }

    @Test func aRankResponseCarriesTheLayoutAndTheLogItsPropensity() async throws {
        let harness = try await harness()
        #expect(try await harness.rank().layout == nil)
        _ = try await harness.engine.putLayouts(surface: "home", arms("grid", "list", "compact", "wide"))
        var rankings: [Ranking] = []
        for _ in 0..<400 { rankings.append(try await harness.rank()) }
        let layouts = rankings.compactMap(\.layout)
        #expect(layouts.count == 400)
        // From the prior alone every arm is as likely: the bank's shares are within ±0.01 of 1/4.
        for layout in layouts { #expect(abs(layout.propensity - 0.25) < 0.01) }
        #expect(Set(layouts.map(\.arm)) == ["grid", "list", "compact", "wide"])
        #expect(layouts[0].params == ["columns": .number(Double(layouts[0].arm.count))])
        await harness.engine.impressions.flush()
        let logged = Dictionary(
            uniqueKeysWithValues: try await harness.store.impressions(userId: "u1").map { ($0.requestId, $0) })
        for ranking in rankings {
            let impression = try #require(logged[ranking.requestId])
            #expect(impression.layoutArm == ranking.layout?.arm)
            #expect(impression.layoutPropensity == ranking.layout?.propensity)
            #expect(impression.layoutSegment == "device=desktop,role=")
        }
    }

    @Test func aRequestIsRewardedOnceWhateverTheEvents() async throws {
        let harness = try await harness()
        _ = try await harness.engine.putLayouts(surface: "home", arms("grid", "list"))
        let engaged = try await harness.rank()
        let ignored = try await harness.rank()
        await harness.engine.impressions.flush()
        // Two engagements and a duplicate of one: one reward.
        try await harness.engage(engaged, type: .open)
        try await harness.engage(engaged, type: .click)
        try await harness.engage(engaged, type: .open)
        // A view does not reward.
        try await harness.engage(ignored, type: .view)
        let arm = try #require(engaged.layout?.arm), other = try #require(ignored.layout?.arm)
        var counts = try evidence(harness)
        #expect(counts[arm]!.0 == 1)
        #expect(total(counts) == 1)
        // The window closes: the ignored request counts 0; a late event changes nothing.
        harness.advance(30 * 60 + 61)
        try await harness.engine.settleLayouts()
        try await harness.engage(ignored, type: .open, id: "late")
        try await harness.engage(engaged, type: .pin, id: "late-2")
        try await harness.engine.settleLayouts()
        counts = try evidence(harness)
        #expect(successes(counts) == 1)
        #expect(failures(counts) == 1)
        #expect(counts[other]!.1 == 1)
        // The segment's evidence holds the same two decisions.
        let segment = try evidence(harness, segment: "device=desktop,role=")
        #expect(total(segment) == 2)
    }

    @Test func anEventThatArrivesBeforeItsDecisionIsLoggedStillRewards() async throws {
        let harness = try await harness()
        _ = try await harness.engine.putLayouts(surface: "home", arms("grid", "list"))
        let ranking = try await harness.rank()
        // The impression log has not written the decision yet when the event comes in.
        try await harness.engage(ranking)
        #expect(total(try evidence(harness)) == 0)
        await harness.engine.impressions.flush()
        harness.advance(30 * 60 + 61)
        try await harness.engine.settleLayouts()
        #expect(try evidence(harness)[ranking.layout!.arm]!.0 == 1)
    }

    @Test func evidenceSurvivesARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-layouts-\(UUID().uuidString).sqlite").path
        let before: BanditState
        do {
            let harness = try await harness(path: path)
            _ = try await harness.engine.putLayouts(surface: "home", arms("grid", "list"))
            for index in 0..<20 {
                let ranking = try await harness.rank()
                await harness.engine.impressions.flush()
                if index % 3 == 0 { try await harness.engage(ranking) }
            }
            harness.advance(3_600)
            try await harness.engine.settleLayouts()
            _ = try await harness.engine.setFrozen(surface: "home", true)
            before = try harness.engine.banditState(surface: "home")
            await harness.engine.impressions.flush()
        }
        let after = try await harness(path: path)
        after.advance(3_600)
        let state = try after.engine.banditState(surface: "home")
        #expect(state.frozen)
        #expect(state.segments.map(\.segment) == before.segments.map(\.segment))
        func totals(_ state: BanditState) -> [Double] { state.segments.flatMap(\.arms).map { $0.successes + $0.failures } }
        #expect(totals(state) == totals(before))
        let settled: Double = state.segments[0].arms.reduce(0) { $0 + $1.successes + $1.failures }
        #expect(settled == 20)
    }

    @Test func concurrentSettlingLosesNothingAndCountsNothingTwice() async throws {
        let harness = try await harness()
        _ = try await harness.engine.putLayouts(surface: "home", arms("grid", "list", "compact"))
        var rankings: [Ranking] = []
        for index in 0..<120 { rankings.append(try await harness.rank("u\(index % 7)")) }
        await harness.engine.impressions.flush()
        let engine = harness.engine
        let now = harness.now
        let served = rankings
        // Events for every other request, ingested by eight tasks at once, each event twice.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for (index, ranking) in served.enumerated() where index % 2 == 0 && index % 8 == worker {
                        for _ in 0..<2 {
                            _ = try await engine.ingest([
                                EventDraft(
                                    eventId: "\(ranking.requestId)-click", userId: "u\(index % 7)",
                                    itemId: ranking.items[0].itemId, type: .click, timestamp: now.addingTimeInterval(1),
                                    requestId: ranking.requestId)
                            ])
                        }
                    }
                    try await engine.settleLayouts()
                }
            }
            try await group.waitForAll()
        }
        harness.advance(3_600)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await engine.settleLayouts() } }
            try await group.waitForAll()
        }
        let counts = try evidence(harness)
        #expect(successes(counts) == 60)
        #expect(failures(counts) == 60)
        let stored = try await harness.store.armEvidence().filter { $0.segment.isEmpty }
        #expect(stored.map(\.successes).reduce(0, +) == 60)
        #expect(stored.map(\.failures).reduce(0, +) == 60)
    }

    /// Serves `count` requests and rewards each with the probability of its arm.
    func serve(_ harness: Harness, _ count: Int, rates: [String: Double], device: String = "desktop", seed: UInt64,
               settleEvery: Int = 50) async throws {
        var random = SeededGenerator(seed: seed)
        for index in 0..<count {
            harness.advance(10)
            let ranking = try await harness.rank("u\(index % 13)", device: device)
            await harness.engine.impressions.flush()
            if random.nextUnit() < rates[ranking.layout!.arm]! { try await harness.engage(ranking, user: "u\(index % 13)") }
            if index % settleEvery == settleEvery - 1 {
                harness.advance(30 * 60 + 61)
                try await harness.engine.settleLayouts()
            }
        }
        harness.advance(30 * 60 + 61)
        try await harness.engine.settleLayouts()
    }

    @Test func theBanditLearnsAndAFrozenSurfaceExploits() async throws {
        let harness = try await harness()
        _ = try await harness.engine.putLayouts(surface: "home", arms("grid", "list", "compact"))
        try await serve(harness, 1_500, rates: ["grid": 0.1, "list": 0.3, "compact": 0.15], seed: 1)
        let state = try harness.engine.banditState(surface: "home")
        let best = try #require(state.segments[0].arms.max { $0.probabilityBest < $1.probabilityBest })
        #expect(best.arm == "list")
        #expect(best.probabilityBest > 0.95)
        _ = try await harness.engine.setFrozen(surface: "home", true)
        for _ in 0..<20 {
            let layout = try #require(try await harness.rank().layout)
            #expect(layout.arm == "list" && layout.propensity == 1)
        }
        let reset = try await harness.engine.resetBandit(surface: "home")
        #expect(reset.segments.count == 1)
        #expect(reset.segments[0].arms.allSatisfy { $0.successes == 0 && $0.failures == 0 })
    }

    @Test func aSegmentBorrowsTheSurfaceUntilItHasEvidence() async throws {
        let harness = try await harness { $0.layouts.minimumSegmentEvidence = 100 }
        _ = try await harness.engine.putLayouts(surface: "home", arms("grid", "list"))
        try await serve(harness, 60, rates: ["grid": 0.5, "list": 0.1], device: "mobile", seed: 2, settleEvery: 10)
        var state = try harness.engine.banditState(surface: "home")
        #expect(state.segments.map(\.segment) == ["", "device=mobile,role="])
        #expect(state.segments[1].ownEvidence == false)
        #expect(try await harness.rank(device: "mobile").layout?.evidenceSegment == "")
        try await serve(harness, 60, rates: ["grid": 0.5, "list": 0.1], device: "mobile", seed: 3, settleEvery: 10)
        state = try harness.engine.banditState(surface: "home")
        #expect(state.segments[1].ownEvidence)
        #expect(try await harness.rank(device: "mobile").layout?.evidenceSegment == "device=mobile,role=")
        #expect(try await harness.rank(device: "tablet").layout?.evidenceSegment == "")
    }
}
