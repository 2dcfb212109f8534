import Foundation
import LineupCore
import LineupSQLite
import LineupStore
import Synchronization
import Testing

@Suite struct ImpressionStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func impression(_ id: String, user: String = "u", at minutes: Double = 0, ranker: String = "two_stage",
                    scores: [Float] = [0.9, 0.5, 0.1]) -> Impression {
        Impression(
            requestId: id, time: t0.addingTimeInterval(minutes * 60), userId: user, surface: "home",
            context: ["device": "desktop"], ranker: ranker, modelVersion: ranker == "two_stage" ? "m1" : nil,
            schemaVersion: 1,
            items: scores.enumerated().map { index, score in
                ImpressionItem(
                    itemId: "w\(index)", position: index + 1, score: score, retrievalScore: 0.5, pinned: index == 0,
                    features: [score, .nan, Float(index)])
            })
    }

    func event(_ id: String, _ request: String?, _ item: String, _ type: EventType, at minutes: Double,
               value: Double? = nil, user: String = "u") -> Event {
        Event(
            eventId: id, userId: user, itemId: item, type: type, value: value,
            timestamp: t0.addingTimeInterval(minutes * 60), requestId: request, receivedAt: t0)
    }

    func scan(_ store: SQLiteStore, _ query: ImpressionQuery = .init(), labels: LabelPolicy = .init()) async throws
        -> [LabeledImpression]
    {
        let seen = Mutex<[LabeledImpression]>([])
        try await store.scanImpressions(query, labels: labels, features: true) { item in seen.withLock { $0.append(item) } }
        return seen.withLock { $0 }
    }

    @Test func impressionsReadBackAsServedWithTheirFeatures() async throws {
        let store = try SQLiteStore()
        let served = [impression("r1"), impression("r2", at: 1, ranker: "fallback")]
        try await store.insertImpressions(served)
        try await store.insertImpressions([impression("r1", at: 9)])  // a logged id stays as it was
        let read = try await scan(store)
        #expect(read.count == 2)
        #expect(read[0].impression.requestId == "r1" && read[0].impression.time == t0)
        #expect(read[1].impression.ranker == "fallback" && read[1].impression.modelVersion == nil)
        for (got, want) in zip(read.map(\.impression), served) {
            #expect(got.items.map(\.itemId) == want.items.map(\.itemId))
            #expect(got.items.map(\.score) == want.items.map(\.score))
            #expect(got.context == want.context)
            // NaN survives the blob; compare bit patterns.
            #expect(got.items.map { $0.features.map(\.bitPattern) } == want.items.map { $0.features.map(\.bitPattern) })
        }
    }

    @Test func eventsLabelTheItemsTheyNameWithinTheWindow() async throws {
        let store = try SQLiteStore()
        try await store.insertImpressions([impression("r1"), impression("r2", at: 5)])
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
        let read = try await scan(store)
        #expect(read.map(\.labels) == [[1, 2, 0], [0, 0, 0]])
        #expect(read.map(\.negatives) == [[false, false, false], [true, false, false]])
        // The policy is read-time: a longer window and other grades relabel the history.
        var policy = LabelPolicy(window: 40 * 60)
        policy.grades[.click] = 3
        policy.minimumDwellSeconds = 5
        let relabelled = try await scan(store, labels: policy)
        #expect(relabelled.map(\.labels) == [[3, 2, 2], [0, 3, 0]])
    }

    @Test func filtersAndWindowSelectImpressions() async throws {
        let store = try SQLiteStore()
        try await store.insertImpressions([
            impression("r1"), impression("r2", at: 10, ranker: "fallback"), impression("r3", at: 20),
        ])
        let window = try await scan(store, ImpressionQuery(from: t0.addingTimeInterval(5 * 60), to: t0.addingTimeInterval(20 * 60)))
        #expect(window.map(\.impression.requestId) == ["r2"])
        let twoStage = try await scan(store, ImpressionQuery(ranker: "two_stage", modelVersion: "m1"))
        #expect(twoStage.map(\.impression.requestId) == ["r1", "r3"])
        #expect(try await scan(store, ImpressionQuery(surface: "elsewhere")).isEmpty)
    }

    @Test func scoresStreamInAscendingOrderWithLabels() async throws {
        let store = try SQLiteStore()
        try await store.insertImpressions([impression("r1", scores: [0.9, 0.2, 0.4]), impression("r2", scores: [0.3, 0.8])])
        _ = try await store.insertEvents([event("e1", "r1", "w1", .click, at: 1), event("e2", "r2", "w1", .pin, at: 1)])
        let pairs = Mutex<[(Float, Int)]>([])
        try await store.scanScores(.init(), labels: .init(), withFeatures: false, rescore: nil) { logged in
            pairs.withLock { $0.append((logged.score, logged.label)) }
        }
        let logged = pairs.withLock { $0 }
        #expect(logged.map(\.0) == [0.2, 0.3, 0.4, 0.8, 0.9])
        #expect(logged.map(\.1) == [1, 0, 0, 2, 0])
        // Rescoring reads each item's logged features: here, minus its first one.
        let rescored = Mutex<[(Float, Int)]>([])
        try await store.scanScores(.init(), labels: .init(), withFeatures: true, rescore: { -$0[0] }) { logged in
            rescored.withLock { $0.append((logged.score, logged.label)) }
        }
        #expect(rescored.withLock { $0 }.map(\.0) == [-0.9, -0.8, -0.4, -0.3, -0.2])
        #expect(rescored.withLock { $0 }.map(\.1) == [0, 2, 0, 0, 1])
    }

    /// A store on a file scans on a connection of its own (no mmap, a small cache): it
    /// sees what the writer committed.
    @Test func aFileStoreScansOnItsOwnConnection() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID()).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteStore(configuration: .init(path: path))
        try await store.insertImpressions([impression("r1"), impression("r2", at: 1, scores: [0.7])])
        _ = try await store.insertEvents([event("e1", "r1", "w2", .click, at: 1)])
        #expect(try await scan(store).map(\.labels) == [[0, 0, 1], [0]])
        let scores = Mutex<[Float]>([])
        try await store.scanScores(.init(), labels: .init(), withFeatures: false, rescore: { $0[0] * 2 }) { logged in
            scores.withLock { $0.append(logged.score) }
        }
        #expect(scores.withLock { $0 } == [0.2, 1.0, 1.4, 1.8])
    }

    @Test func erasingAUserRemovesTheirImpressionsAndExportIncludesThem() async throws {
        let store = try SQLiteStore()
        try await store.insertImpressions([impression("r1"), impression("r2", user: "other"), impression("r3", at: 1)])
        let export = try await store.exportUser(id: "u")
        #expect(export.impressions.map(\.requestId) == ["r1", "r3"])
        #expect(export.impressions[0].items.count == 3)
        let erasure = try await store.eraseUser(id: "u")
        #expect(erasure.impressionsDeleted == 2)
        #expect(try await store.impressions(userId: "u").isEmpty)
        #expect(try await scan(store).map(\.impression.requestId) == ["r2"])
    }
}
