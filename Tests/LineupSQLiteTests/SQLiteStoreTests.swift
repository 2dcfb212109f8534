import Foundation
import LineupCore
@testable import LineupSQLite
import LineupStore
import Testing

@Suite struct SQLiteStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func item(_ id: String, title: String = "Weekly revenue", at time: Date) -> Item {
        Item(id: id, title: title, type: "chart", tags: ["sales"], embedding: [1, 0, 0.5],
             attributes: ["owner": .string("finance")], createdAt: time, updatedAt: time)
    }

    func event(_ id: String, user: String = "u1", at offset: TimeInterval = 0) -> Event {
        Event(eventId: id, userId: user, sessionId: "s1", itemId: "w1", type: .click, value: 2.5,
              timestamp: t0.addingTimeInterval(offset), requestId: "r1", context: ["device": "mobile"],
              receivedAt: t0)
    }

    @Test func upsertKeepsCreationTimeAndReportsCreation() async throws {
        let store = try SQLiteStore()
        let first = try await store.upsertItem(item("w1", at: t0))
        #expect(first.created)
        let second = try await store.upsertItem(item("w1", title: "Monthly revenue", at: t0.addingTimeInterval(60)))
        #expect(!second.created)
        let stored = try #require(try await store.item(id: "w1"))
        #expect(stored.title == "Monthly revenue")
        #expect(stored.createdAt == t0)
        #expect(stored.updatedAt == t0.addingTimeInterval(60))
        #expect(stored.embedding == [1, 0, 0.5])
        #expect(stored.attributes == ["owner": .string("finance")])
    }

    @Test func itemsPageInIdOrder() async throws {
        let store = try SQLiteStore()
        _ = try await store.upsertItems(["c", "a", "e", "b", "d"].map { item($0, at: t0) })
        let first = try await store.items(after: nil, limit: 2).map(\.id)
        let second = try await store.items(after: "b", limit: 2).map(\.id)
        let last = try await store.items(after: "d", limit: 2).map(\.id)
        #expect(first == ["a", "b"])
        #expect(second == ["c", "d"])
        #expect(last == ["e"])
    }

    @Test func batchCountsCreatedAndReplaced() async throws {
        let store = try SQLiteStore()
        let first = try await store.upsertItems([item("a", at: t0), item("b", at: t0)])
        let second = try await store.upsertItems([item("b", at: t0), item("c", at: t0)])
        #expect(first == BatchCounts(inserted: 2, existing: 0))
        #expect(second == BatchCounts(inserted: 1, existing: 1))
    }

    @Test func duplicateEventsAreNoOps() async throws {
        let store = try SQLiteStore()
        let first = try await store.insertEvents([event("e1"), event("e2"), event("e1")])
        #expect(first == EventInsertion(inserted: [0, 1], duplicates: 1))
        var changed = event("e2")
        changed.type = .hide
        let second = try await store.insertEvents([changed, event("e3")])
        #expect(second == EventInsertion(inserted: [1], duplicates: 1))
        let log = try await store.events(after: 0, limit: 10)
        #expect(log.map(\.event.eventId) == ["e1", "e2", "e3"])
        #expect(try await store.events(after: log[1].sequence, limit: 10).map(\.event.eventId) == ["e3"])
        let events = try await store.events(userId: "u1")
        #expect(events.map(\.eventId) == ["e1", "e2", "e3"])
        #expect(events[1].type == .click, "a duplicate id must not overwrite the stored event")
        #expect(events[0] == event("e1"))
    }

    @Test func erasureRemovesProfileAndEvents() async throws {
        let store = try SQLiteStore()
        _ = try await store.upsertUser(User(id: "u1", role: "analyst", createdAt: t0, updatedAt: t0))
        _ = try await store.insertEvents([event("e1"), event("e2", at: 5), event("e3", user: "u2")])
        let export = try await store.exportUser(id: "u1")
        #expect(export.profile?.role == "analyst")
        #expect(export.events.map(\.eventId) == ["e1", "e2"])

        let erasure = try await store.eraseUser(id: "u1")
        #expect(erasure == UserErasure(userId: "u1", profileDeleted: true, eventsDeleted: 2))
        #expect(try await store.exportUser(id: "u1").isEmpty)
        #expect(try await store.events(userId: "u2").count == 1)
    }

    @Test func dataSurvivesReopeningTheFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/lineup.sqlite").path
        do {
            let store = try SQLiteStore(configuration: .init(path: path))
            _ = try await store.upsertItem(item("w1", at: t0))
            _ = try await store.insertEvents([event("e1")])
        }
        let reopened = try SQLiteStore(configuration: .init(path: path))
        #expect(try await reopened.item(id: "w1") != nil)
        #expect(try await reopened.events(userId: "u1").count == 1)
        #expect(await reopened.readiness() == .ready)
        let statistics = try await reopened.statistics()
        #expect(statistics.items == 1 && statistics.events == 1 && statistics.bytes > 0)
    }

    /// A copy taken while the store is open holds every committed write, and the two then
    /// go their own ways.
    @Test func aCopyHoldsWhatWasCommitted() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(configuration: .init(path: directory.appendingPathComponent("a.sqlite").path))
        _ = try await store.upsertItem(item("w1", at: t0))
        _ = try await store.insertEvents([event("e1")])
        let copyPath = directory.appendingPathComponent("b.sqlite").path
        try await store.copy(to: copyPath)
        _ = try await store.insertEvents([event("e2")])
        let copy = try SQLiteStore(configuration: .init(path: copyPath))
        #expect(try await copy.item(id: "w1") != nil)
        #expect(try await copy.events(userId: "u1").map(\.eventId) == ["e1"])
        #expect(try await store.events(userId: "u1").count == 2)
        await #expect(throws: (any Error).self) { try await store.copy(to: copyPath) }
    }
}

@Suite struct JSONCodingTests {
    @Test(arguments: [
        [:],
        ["device": "mobile"],
        ["b": "2", "a": "quote \" backslash \\ newline \n tab \t bell \u{7} é 😀", "z": ""],
    ])
    func contextTextIsJSONThatReadsBackTheSame(_ context: [String: String]) throws {
        let text = JSONCoding.string(context)
        let parsed = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        #expect(parsed == context)
        let keyPositions = context.keys.sorted().compactMap { text.range(of: "\"\($0)\":")?.lowerBound }
        #expect(keyPositions == keyPositions.sorted(), "keys are written in sorted order")
    }
}

@Suite struct CheckpointerTests {
    /// Commits never checkpoint (wal_autocheckpoint = 0), so the database file only grows when
    /// the background checkpointer copies the log into it.
    @Test func logIsCopiedIntoTheDatabaseInTheBackground() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("lineup.sqlite").path
        let store = try SQLiteStore(configuration: .init(path: path, synchronous: .normal))
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let padding = String(repeating: "x", count: 200)
        for batch in 0..<10 {
            let events = (0..<5_000).map { index in
                Event(eventId: "e-\(batch)-\(index)", userId: "u\(index % 300)", itemId: "w\(index % 50)", type: .view,
                      timestamp: t0, context: ["device": "desktop", "padding": padding], receivedAt: t0)
            }
            _ = try await store.insertEvents(events)
        }
        func size(_ file: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int) ?? 0
        }
        var waited = 0
        while size(path) < 4 << 20 && waited < 100 {
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(size(path) >= 4 << 20, "database \(size(path)) bytes, log \(size(path + "-wal")) bytes")
        #expect(try await store.statistics().events == 50_000)
    }
}
