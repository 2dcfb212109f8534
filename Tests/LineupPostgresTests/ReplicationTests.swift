import Foundation
import LineupCore
import LineupEngine
import LineupModels
import LineupPostgres
import LineupStore
import Testing

/// Two engines on one database, each with its own store (its own pool), as two replicas:
/// what one is told, the other serves after one round of following, and both hold the same
/// state whichever received which events.
@Suite(.enabled(if: TestDatabase.available, "needs LINEUP_TEST_POSTGRES_URL (the README's test command sets it)"))
struct ReplicationTests {
    struct Replica {
        let store: PostgresStore
        let engine: Engine

        /// - Parameter clock: the instant the replica believes it is; replicas compared to
        ///   the last bit share one, since decayed scores depend on when they are asked.
        init(_ configuration: PostgresStore.Configuration, clock: Date? = nil) async throws {
            store = try await PostgresStore(configuration: configuration)
            let models = try ModelRegistry(store: store, schema: OnlineFeatures.schema)
            engine = Engine(store: store, models: models, now: { clock ?? Date() })
        }
    }

    static let catalog = (0..<12).map { index in
        ItemDraft(id: "w\(index)", title: "Widget \(index)", description: "metric \(index % 4)", type: index % 2 == 0 ? "kpi" : "chart",
                  tags: ["team-\(index % 3)"])
    }

    static func event(_ id: String, user: String, item: String, type: EventType = .open, at offset: TimeInterval = 0) -> EventDraft {
        EventDraft(eventId: id, userId: user, itemId: item, type: type, timestamp: Date().addingTimeInterval(offset - 3_600))
    }

    @Test func whatOneReplicaIsToldTheOtherServes() async throws {
        try await TestDatabase.with { configuration in
            let a = try await Replica(configuration)
            let b = try await Replica(configuration)
            defer { a.store.close(); b.store.close() }
            _ = try await a.engine.importItems(Self.catalog)
            try await a.engine.warmUp()
            try await b.engine.warmUp()

            // An event stored through A changes B's answer.
            _ = try await a.engine.ingest([Self.event("e1", user: "u1", item: "w7", type: .pin)])
            try await b.engine.followOthers()
            let ranked = try await b.engine.rank(RankRequest(userId: "u1", surface: "home", k: 3))
            #expect(ranked.items.first?.itemId == "w7" && ranked.items.first?.pinned == true)

            // The catalog: a new widget, then its deletion.
            _ = try await a.engine.putItem(id: "w99", ItemDraft(title: "Churn by plan", type: "chart"))
            try await b.engine.followOthers()
            #expect(b.engine.embeddings.snapshot.ids.contains("w99"))
            try await a.engine.deleteItem(id: "w99")
            try await b.engine.followOthers()
            #expect(!b.engine.embeddings.snapshot.ids.contains("w99"))

            // Layouts and a frozen surface.
            _ = try await a.engine.putLayouts(surface: "home", [LayoutDraft(id: "grid", name: "Grid"), LayoutDraft(id: "list", name: "List")])
            _ = try await a.engine.setFrozen(surface: "home", true)
            try await b.engine.followOthers()
            let layouts = try b.engine.layouts(surface: "home")
            #expect(layouts.arms.map(\.id) == ["grid", "list"] && layouts.frozen)

            // Erasure on A: B forgets the pin too.
            _ = try await a.engine.eraseUser(id: "u1")
            try await b.engine.followOthers()
            let after = try await b.engine.rank(RankRequest(userId: "u1", surface: "home", k: 3))
            #expect(after.items.allSatisfy { !$0.pinned })
        }
    }

    @Test func theActiveModelIsTheDatabasesOnEveryReplica() async throws {
        try await TestDatabase.with { configuration in
            let a = try await Replica(configuration)
            let b = try await Replica(configuration)
            defer { a.store.close(); b.store.close() }
            let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("models").path
            try await a.engine.models.seed(from: models, active: "default")
            try await b.engine.models.seed(from: models, active: "default")
            try await a.engine.models.sync()
            try await b.engine.warmUp()
            try await b.engine.followOthers()
            #expect(a.engine.models.active?.version == "default" && b.engine.models.active?.version == "default")
            try await b.engine.models.activate(version: nil)
            try await a.engine.followOthers()
            #expect(a.engine.models.active == nil, "B's choice is served by A")
        }
    }

    /// Events spread over both replicas in any interleaving: each applies every event once,
    /// in log order, so both end with the same state and give the same answers.
    @Test func replicasThatTookDifferentEventsAgree() async throws {
        try await TestDatabase.with { configuration in
            let clock = Date()
            let a = try await Replica(configuration, clock: clock)
            let b = try await Replica(configuration, clock: clock)
            defer { a.store.close(); b.store.close() }
            _ = try await a.engine.importItems(Self.catalog)
            try await a.engine.warmUp()
            try await b.engine.warmUp()
            var rng = SeededGenerator(seed: 7)
            let batches = (0..<40).map { batch in
                (0..<25).map { index in
                    Self.event(
                        "b\(batch)-\(index)", user: "u\(Int.random(in: 0..<6, using: &rng))",
                        item: "w\(Int.random(in: 0..<12, using: &rng))",
                        type: [.view, .open, .click, .export, .pin, .hide][Int.random(in: 0..<6, using: &rng)],
                        at: Double(batch * 25 + index))
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, batch) in batches.enumerated() {
                    let replica = index % 2 == 0 ? a : b
                    group.addTask { _ = try await replica.engine.ingest(batch) }
                }
                try await group.waitForAll()
            }
            try await a.engine.followOthers()
            try await b.engine.followOthers()
            for user in (0..<6).map({ "u\($0)" }) {
                let request = RankRequest(userId: user, surface: "home", k: 12, ranker: .fallback)
                let fromA = try await a.engine.rank(request).items.map { "\($0.itemId) \($0.score) \($0.pinned)" }
                let fromB = try await b.engine.rank(request).items.map { "\($0.itemId) \($0.score) \($0.pinned)" }
                #expect(fromA == fromB, "\(user)")
            }
        }
    }
}
