import Foundation
import LineupCore
import LineupEngine
import LineupModels
import LineupRanking
import LineupSQLite
import LineupStore
import Synchronization
import Testing

@Suite struct ImpressionLogTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func engine() async throws -> (Engine, SQLiteStore) {
        let fixed = now
        let store = try SQLiteStore()
        let configuration = Engine.Configuration(embeddingDimension: 2)
        let engine = Engine(configuration: configuration, store: store, now: { fixed })
        _ = try await engine.importItems([
            ItemDraft(id: "a", title: "Revenue", type: "kpi", embedding: [1, 0]),
            ItemDraft(id: "b", title: "Churn", type: "chart", embedding: [0, 1]),
            ItemDraft(id: "c", title: "Cost", type: "kpi", embedding: [0.7, 0.7]),
        ])
        _ = try await engine.ingest([
            EventDraft(eventId: "e1", userId: "u", itemId: "a", type: .open, timestamp: now.addingTimeInterval(-3_600))
        ])
        return (engine, store)
    }

    func logged(_ store: SQLiteStore) async throws -> [LabeledImpression] {
        let seen = Mutex<[LabeledImpression]>([])
        try await store.scanImpressions(.init(), labels: .init(), features: true) { item in seen.withLock { $0.append(item) } }
        return seen.withLock { $0 }
    }

    /// A one-tree model over the schema's features: enough for the two-stage path.
    func model() throws -> RankingModel {
        let names = OnlineFeatures.schema.names
        let tree = Tree(left: [1, -1, -1], right: [2, -1, -1], feature: [0, 0, 0], threshold: [0.5, -1, 1],
                        defaultLeft: [true, false, false], cover: [2, 1, 1])
        let forest = try Forest(
            objective: .binaryLogistic, featureCount: names.count, featureNames: names, baseScore: 0.5, trees: [tree])
        return try RankingModel(version: "tiny", forest: forest, schema: OnlineFeatures.schema)
    }

    @Test func everyResponseIsLoggedAsServedOnceFlushed() async throws {
        let (engine, store) = try await engine()
        engine.models.activate(try model())
        let ranking = try await engine.rank(RankRequest(userId: "u", surface: "home", k: 2, context: ["device": "mobile"]))
        engine.models.activate(nil)
        let fallback = try await engine.rank(RankRequest(userId: "u", surface: "home", k: 3))
        // Nothing reaches the store on the request path.
        #expect(try await logged(store).isEmpty)
        #expect(engine.impressions.pendingCount == 2)
        await engine.impressions.flush()
        let log = try await logged(store)
        // Both were served at the same (fixed) time, so their order in the log is by id.
        #expect(Set(log.map(\.impression.requestId)) == [ranking.requestId, fallback.requestId])
        let first = try #require(log.first { $0.impression.requestId == ranking.requestId }).impression
        let second = try #require(log.first { $0.impression.requestId == fallback.requestId }).impression
        #expect(first.ranker == "two_stage" && first.modelVersion == "tiny" && first.surface == "home")
        #expect(first.context == ["device": "mobile"] && first.userId == "u" && first.time == now)
        #expect(first.items.map(\.itemId) == ranking.items.map(\.itemId))
        #expect(first.items.map(\.score) == ranking.items.map(\.score))
        #expect(first.items.allSatisfy { $0.features.count == OnlineFeatures.schema.count })
        // The logged vector is the one the model scored: its first feature is the retrieval score.
        #expect(first.items.map { $0.features.first } == ranking.items.map(\.retrievalScore))
        // The fallback order logs its widgets' features too: the first model trains on them.
        #expect(second.ranker == "fallback" && second.items.allSatisfy { $0.features.count == OnlineFeatures.schema.count })
        #expect(second.items.map { $0.features.first } == fallback.items.map(\.retrievalScore))
        let expected = engine.features.vectors(
            userId: "u", candidates: fallback.items.map { ($0.itemId, $0.retrievalScore) }, context: [:], at: now)
        #expect(second.items.flatMap(\.features).map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(engine.impressions.pendingCount == 0)
    }

    @Test func aFlushWritesEverythingBufferedOnce() async throws {
        let (engine, store) = try await engine()
        for _ in 0..<5 { _ = try await engine.rank(RankRequest(userId: "u", surface: "home")) }
        // Flushes that overlap write each response once, in order.
        async let first: Void = engine.impressions.flush()
        async let second: Void = engine.impressions.flush()
        _ = await (first, second)
        await engine.impressions.flush()
        #expect(try await logged(store).count == 5)
        #expect(engine.impressions.pendingCount == 0)
    }

    @Test func erasureAlsoRemovesResponsesStillBuffered() async throws {
        let (engine, store) = try await engine()
        _ = try await engine.rank(RankRequest(userId: "u", surface: "home"))
        _ = try await engine.rank(RankRequest(userId: "someone", surface: "home"))
        let export = try await engine.exportUser(id: "u")
        #expect(export.impressions.count == 1)
        let erasure = try await engine.eraseUser(id: "u")
        #expect(erasure.impressionsDeleted == 1)
        await engine.impressions.flush()
        #expect(try await logged(store).map(\.impression.userId) == ["someone"])
    }
}
