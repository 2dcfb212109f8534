import Foundation
import LineupCore
import LineupStore
import Testing

extension StoreConformance {
    static let healthChecks: [Check] = [
        Check("health: a fresh store is ready", readiness),
        Check("health: statistics() counts items, users and events as rows come and go", statistics),
        Check("health: statistics() counts the events left after an erasure", statisticsAfterErasure),
    ]

    static func readiness(_ store: any Store) async throws {
        #expect(await store.readiness() == .ready)
        _ = try await store.upsertItem(Sample.item("w1"))
        #expect(await store.readiness() == .ready)
    }

    /// What `/metrics` reports as the rows of each table.
    static func statistics(_ store: any Store) async throws {
        let empty = try await store.statistics()
        #expect(empty.items == 0 && empty.users == 0 && empty.events == 0 && empty.bytes >= 0)

        _ = try await store.upsertItems(["a", "b", "c"].map { Sample.item($0) })
        _ = try await store.upsertItem(Sample.item("b", title: "Replaced"))
        _ = try await store.upsertUsers([Sample.user("u1"), Sample.user("u2")])
        let events = (0..<6).map { Sample.event("e\($0)", user: $0 < 2 ? "u1" : "u2", at: Double($0)) }
        _ = try await store.insertEvents(events + [events[0]])
        _ = try await store.insertEvents(Array(events[3...]))
        var counts = try await store.statistics()
        #expect(counts.items == 3 && counts.users == 2 && counts.events == events.count, "\(counts)")

        #expect(try await store.deleteItem(id: "a"))
        _ = try await store.upsertUser(Sample.user("u3"))
        counts = try await store.statistics()
        #expect(counts.items == 2 && counts.users == 3 && counts.events == events.count, "\(counts)")
    }

    /// Erasure removes rows from the middle of the log: the count must follow.
    static func statisticsAfterErasure(_ store: any Store) async throws {
        _ = try await store.upsertUsers([Sample.user("u1"), Sample.user("u2")])
        let events = (0..<6).map { Sample.event("e\($0)", user: $0 < 2 ? "u1" : "u2", at: Double($0)) }
        _ = try await store.insertEvents(events)
        // u1's events are the oldest rows: erasing them leaves the newest in place.
        _ = try await store.eraseUser(id: "u1")
        let counts = try await store.statistics()
        #expect(counts.users == 1 && counts.events == events.filter { $0.userId != "u1" }.count, "\(counts)")
    }
}
