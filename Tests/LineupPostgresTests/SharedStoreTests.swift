import Foundation
import LineupCore
@testable import LineupPostgres
import LineupStore
import Synchronization
import Testing

/// What replicas rely on beyond the `Store` protocols: migrations run once, the change feed,
/// notifications, settling exactly once, cross-process locks, shared models, and 503 rather
/// than a hang when the database is gone. Each test opens several stores on one database,
/// as several replicas would (each store has its own connection pool).
@Suite(.enabled(if: TestDatabase.available, "needs LINEUP_TEST_POSTGRES_URL (the README's test command sets it)"))
struct SharedStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func replicasStartingTogetherMigrateOnce() async throws {
        try await TestDatabase.with { configuration in
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<4 { group.addTask { try await PostgresStore(configuration: configuration) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            defer { stores.forEach { $0.close() } }
            let applied = try await stores[0].rowCounts(["lineup_migrations"])["lineup_migrations"]
            #expect(applied == Schema.migrations.count, "each migration recorded once")
            for store in stores { #expect(await store.readiness() == .ready) }
        }
    }

    @Test func theChangeFeedListsWritesInCommitOrder() async throws {
        try await TestDatabase.with { configuration in
            let store = try await PostgresStore(configuration: configuration)
            defer { store.close() }
            let item = Item(id: "w1", title: "Revenue", type: "kpi", createdAt: Self.t0, updatedAt: Self.t0)
            _ = try await store.upsertItem(item)
            _ = try await store.upsertUsers([User(id: "u1", createdAt: Self.t0, updatedAt: Self.t0),
                                             User(id: "u2", createdAt: Self.t0, updatedAt: Self.t0)])
            try await store.saveSurfaceLayouts(SurfaceLayouts(surface: "home", arms: [], frozen: true))
            #expect(try await store.deleteItem(id: "w1"))
            #expect(try await !store.deleteItem(id: "w1"), "nothing deleted, nothing changed")
            _ = try await store.eraseUser(id: "u2")
            try await store.setActiveModel("m1")

            let changes = try await store.changes(after: 0, limit: 100)
            #expect(changes.map { "\($0.kind.rawValue):\($0.key)" } == [
                "item:w1", "user:u1", "user:u2", "layouts:home", "item:w1", "user:u2", "model:",
            ])
            #expect(changes.map(\.sequence) == Array(1...Int64(changes.count)))
            #expect(try await store.lastChange() == Int64(changes.count))
            #expect(try await store.changes(after: 3, limit: 2).map(\.sequence) == [4, 5])
            try await store.trimChanges(olderThan: -60)
            #expect(try await store.changes(after: 0, limit: 100).isEmpty)
            #expect(try await store.lastChange() == Int64(changes.count), "trimming never gives a sequence back")
        }
    }

    @Test func aWriteByOneReplicaWakesTheOthers() async throws {
        try await TestDatabase.with { configuration in
            let listener = try await PostgresStore(configuration: configuration)
            let writer = try await PostgresStore(configuration: configuration)
            defer { listener.close(); writer.close() }
            let (wakeups, listening) = Self.countWakeups(of: listener)
            defer { listening.cancel() }
            // The first wake-up says the listener is connected (and may have missed some).
            #expect(try await Self.eventually(within: .seconds(5)) { wakeups.value >= 1 ? true : nil } == true)
            let seen = wakeups.value
            let event = Event(eventId: "e1", userId: "u1", itemId: "w1", type: .view, timestamp: Self.t0, receivedAt: Self.t0)
            _ = try await writer.insertEvents([event])
            let woken = try await Self.eventually(within: .seconds(5)) { wakeups.value > seen ? true : nil }
            #expect(woken == true, "woken by the other store's commit")
        }
    }

    /// Four settlers (two per replica) race for the same 120 decisions: each is settled by
    /// exactly one, and the evidence counts every reward once.
    @Test func settlingIsExactlyOnceAcrossReplicas() async throws {
        try await TestDatabase.with { configuration in
            let replicas = [try await PostgresStore(configuration: configuration), try await PostgresStore(configuration: configuration)]
            defer { replicas.forEach { $0.close() } }
            let ids = (0..<120).map { "r\($0)" }
            try await replicas[0].insertImpressions(ids.enumerated().map { index, id in
                Impression(
                    requestId: id, time: Self.t0.addingTimeInterval(Double(index)), userId: "u\(index % 7)", surface: "home",
                    ranker: "two_stage", layoutArm: index % 2 == 0 ? "grid" : "list", layoutPropensity: 0.5, layoutSegment: "",
                    schemaVersion: 1, items: [])
            })
            _ = try await replicas[1].insertEvents(ids.enumerated().map { index, id in
                Event(eventId: "e\(index)", userId: "u\(index % 7)", itemId: "w1", type: .click,
                      timestamp: Self.t0.addingTimeInterval(Double(index) + 1), requestId: id, receivedAt: Self.t0)
            })
            let settlement = LayoutSettlement(requestIds: ids, rewardTypes: [.click], window: 1_800, clockSkew: 300)
            let settled = try await withThrowingTaskGroup(of: [LayoutDecision].self) { group in
                for settler in 0..<4 {
                    let store = replicas[settler % 2]
                    group.addTask {
                        try await store.settleLayouts(settlement) { decisions, stored in
                            var rows: [String: ArmEvidence] = [:]
                            for decision in decisions {
                                let stored = try stored("home", "", decision.arm)
                                var row = rows[decision.arm] ?? stored
                                    ?? ArmEvidence(surface: "home", segment: "", arm: decision.arm, successes: 0, failures: 0,
                                                   updatedAt: Self.t0)
                                row.successes += Double(decision.reward ?? 0)
                                rows[decision.arm] = row
                            }
                            return Array(rows.values)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(settled.count == ids.count, "every decision settled once")
            #expect(Set(settled.map(\.requestId)) == Set(ids))
            let evidence = try await replicas[1].armEvidence()
            #expect(evidence.reduce(0) { $0 + $1.successes } == Double(ids.count), "every reward counted once")
            #expect(try await replicas[0].settleLayouts(settlement) { _, _ in [] }.isEmpty, "nothing left to settle")
        }
    }

    @Test func aLockIsHeldByOneProcessAtATime() async throws {
        try await TestDatabase.with { configuration in
            let a = try await PostgresStore(configuration: configuration)
            let b = try await PostgresStore(configuration: configuration)
            defer { a.close(); b.close() }
            let lease = try #require(try await a.tryLock("training"))
            #expect(try await b.tryLock("training") == nil)
            let other = try #require(try await b.tryLock("retraining-schedule"), "another name is another lock")
            await lease.release()
            let taken = try await Self.eventually { try await b.tryLock("training") }
            #expect(taken != nil, "released locks can be taken")
            await taken?.release()
            await other.release()
        }
    }

    @Test func modelsAreSharedAndTheDatabaseSeededOnce() async throws {
        try await TestDatabase.with { configuration in
            let a = try await PostgresStore(configuration: configuration)
            let b = try await PostgresStore(configuration: configuration)
            defer { a.close(); b.close() }
            let seed = [StoredModel(version: "default", model: Data("{}".utf8), card: nil)]
            async let seededByA = a.seedModels(seed, active: "default")
            async let seededByB = b.seedModels(seed, active: "default")
            let seeded = try await [seededByA, seededByB]
            #expect(seeded.filter { $0 }.count == 1, "one replica seeds a new database")
            #expect(try await b.activeModel() == "default")
            #expect(try await b.modelRevisions() == ["default": 1])

            #expect(try await a.addModel(StoredModel(version: "m2", model: Data("{\"a\":1}".utf8), card: nil)))
            #expect(try await !b.addModel(StoredModel(version: "m2", model: Data("{}".utf8), card: nil)), "never overwritten")
            #expect(try await b.saveCard(version: "m2", card: Data("{\"version\":\"m2\"}".utf8)))
            let m2 = try #require(try await a.model(version: "m2"))
            #expect(m2.model == Data("{\"a\":1}".utf8) && m2.card == Data("{\"version\":\"m2\"}".utf8) && m2.revision == 2)
            try await a.setActiveModel(nil)
            #expect(try await b.activeModel() == nil)
            #expect(try await !a.saveCard(version: "nope", card: Data()))
        }
    }

    /// A database that is not there is reported unavailable by the store's own deadline
    /// (`connectTimeout`), not after the pool's circuit breaker gives up a minute later. The
    /// reason names which one answered. No clock is read: a test run that keeps both cores
    /// busy with training delays every task, the deadline's too, by tens of seconds.
    @Test func anUnreachableDatabaseIsUnavailableNotAHang() async throws {
        guard let url = TestDatabase.serverURL else { return }
        var configuration = try PostgresStore.Configuration(url: url)
        configuration.port = 1  // nothing listens there
        configuration.connectTimeout = .seconds(2)
        await #expect {
            _ = try await PostgresStore(configuration: configuration)
        } throws: { error in
            (error as? StoreUnavailable)?.reason.contains("gave no connection within 2.0 seconds") == true
        }
    }

    /// Counts the store's write notifications in a task of their own.
    static func countWakeups(of store: PostgresStore) -> (Counter, Task<Void, Never>) {
        let counter = Counter()
        let notifications = store.writeNotifications()
        let task = Task {
            for await _ in notifications { counter.increment() }
        }
        return (counter, task)
    }

    /// Retries `attempt` every 20 ms until it returns non-nil, for at most `timeout`.
    static func eventually<T>(within timeout: Duration = .seconds(2), _ attempt: () async throws -> T?) async throws -> T? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try await attempt() { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

/// Counts from one task, read from another.
final class Counter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }

    var value: Int { count.withLock { $0 } }
}
