import Foundation
import LineupCore
import LineupEngine
import LineupSQLite
import Testing

@Suite struct RetrievalTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func engine(store: SQLiteStore) -> Engine {
        let fixed = now
        return Engine(configuration: .init(embeddingDimension: 3), store: store, now: { fixed })
    }

    func click(_ id: String, user: String, item: String) -> EventDraft {
        EventDraft(eventId: id, userId: user, itemId: item, type: .click, timestamp: now.addingTimeInterval(-60))
    }

    @Test func catalogWritesReachTheMatrix() async throws {
        let engine = engine(store: try SQLiteStore())
        _ = try await engine.putItem(id: "a", ItemDraft(title: "A", type: "kpi", embedding: [1, 0, 0]))
        _ = try await engine.importItems([
            ItemDraft(id: "b", title: "B", type: "kpi", embedding: [0, 1, 0]),
            ItemDraft(id: "c", title: "Churn risk by cohort", type: "chart"),
            ItemDraft(id: "d", title: "D", type: "kpi", embedding: [0, 0, 1], active: false),
        ])
        #expect(Set(engine.embeddings.snapshot.ids) == ["a", "b", "c"], "inactive items are not searchable")
        #expect(engine.embeddings.snapshot.vector(of: "c") != nil, "a text-only item gets a content embedding")
        try await engine.deleteItem(id: "a")
        _ = try await engine.putItem(id: "b", ItemDraft(title: "B", type: "kpi", embedding: [0, 1, 0], active: false))
        #expect(engine.embeddings.snapshot.ids == ["c"])
    }

    @Test func neighborsFollowTheUsersEngagements() async throws {
        let engine = engine(store: try SQLiteStore())
        _ = try await engine.importItems([
            ItemDraft(id: "x1", title: "X1", type: "kpi", embedding: [1, 0.1, 0]),
            ItemDraft(id: "x2", title: "X2", type: "kpi", embedding: [1, 0, 0.1]),
            ItemDraft(id: "y1", title: "Y1", type: "kpi", embedding: [0, 1, 0]),
        ])
        let cold = try await engine.neighbors(userId: "u", k: 2)
        #expect(cold.source == .popularity)
        _ = try await engine.ingest([click("e1", user: "u", item: "x1")])
        let warm = try await engine.neighbors(userId: "u", k: 2)
        #expect(warm.source == .personal)
        #expect(warm.items.map(\.id) == ["x1", "x2"])
        let restricted = try await engine.neighbors(userId: "u", k: 2, candidates: ["y1", "x2"])
        #expect(restricted.items.map(\.id) == ["x2", "y1"])
        // A re-sent event changes nothing.
        _ = try await engine.ingest([click("e1", user: "u", item: "x1")])
        #expect(try await engine.neighbors(userId: "u", k: 3) == (try await engine.neighbors(userId: "u", k: 3)))
    }

    @Test func warmUpRebuildsTheSameState() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("lineup.sqlite").path
        let first = engine(store: try SQLiteStore(configuration: .init(path: path)))
        _ = try await first.importItems([
            ItemDraft(id: "x1", title: "X1", type: "kpi", embedding: [1, 0.1, 0]),
            ItemDraft(id: "y1", title: "Y1", type: "kpi", embedding: [0, 1, 0]),
        ])
        _ = try await first.putUser(id: "a", UserDraft(role: "analyst"))
        _ = try await first.putUser(id: "b", UserDraft(role: "analyst"))
        _ = try await first.ingest([click("e1", user: "a", item: "y1")])
        let before = (try await first.neighbors(userId: "a", k: 2), try await first.neighbors(userId: "b", k: 2))

        let second = engine(store: try SQLiteStore(configuration: .init(path: path)))
        try await second.warmUp()
        let after = (try await second.neighbors(userId: "a", k: 2), try await second.neighbors(userId: "b", k: 2))
        #expect(after.0 == before.0)
        #expect(after.1 == before.1)
        #expect(after.1.source == .role, "b has no history but shares a's role")
        #expect(after.1.items.first?.id == "y1")
    }

    /// A store written under another `embedding_dimension` loses no widget: those whose
    /// stored vectors no longer fit are searched by their content embedding.
    @Test func aChangedDimensionKeepsEveryWidgetSearchable() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("lineup.sqlite").path
        let first = engine(store: try SQLiteStore(configuration: .init(path: path)))
        _ = try await first.importItems([
            ItemDraft(id: "x1", title: "Revenue by region", type: "kpi", embedding: [1, 0.1, 0]),
            ItemDraft(id: "y1", title: "Churn by cohort", type: "chart"),
        ])
        let fixed = now
        let wider = Engine(
            configuration: .init(embeddingDimension: 8), store: try SQLiteStore(configuration: .init(path: path)),
            now: { fixed })
        try await wider.warmUp()
        #expect(Set(wider.embeddings.snapshot.ids) == ["x1", "y1"])
        #expect(wider.embeddings.snapshot.vector(of: "x1")?.count == 8)
    }
}
