import Foundation
import LineupCore
@testable import LineupSQLite
import LineupStore
import Synchronization
import Testing

/// What only the SQLite store has: files on disk, reopening them, copies, and the separate
/// connection a file store scans on. What every store promises is the conformance suite's
/// (`StoreConformanceTests`).
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

    /// A store on a file scans on a connection of its own (no mmap, a small cache): it
    /// sees what the writer committed.
    @Test func aFileStoreScansOnItsOwnConnection() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID()).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteStore(configuration: .init(path: path))
        func impression(_ id: String, at minutes: Double = 0, scores: [Float] = [0.9, 0.5, 0.1]) -> Impression {
            Impression(
                requestId: id, time: t0.addingTimeInterval(minutes * 60), userId: "u", surface: "home",
                context: ["device": "desktop"], ranker: "two_stage", modelVersion: "m1", schemaVersion: 1,
                items: scores.enumerated().map { index, score in
                    ImpressionItem(
                        itemId: "w\(index)", position: index + 1, score: score, retrievalScore: 0.5, pinned: index == 0,
                        features: [score, .nan, Float(index)])
                })
        }
        try await store.insertImpressions([impression("r1"), impression("r2", at: 1, scores: [0.7])])
        _ = try await store.insertEvents([
            Event(eventId: "e1", userId: "u", itemId: "w2", type: .click, timestamp: t0.addingTimeInterval(60),
                  requestId: "r1", receivedAt: t0)
        ])
        let labels = Mutex<[[Int]]>([])
        try await store.scanImpressions(.init(), labels: .init(), features: true) { read in
            labels.withLock { $0.append(read.labels) }
        }
        #expect(labels.withLock { $0 } == [[0, 0, 1], [0]])
        let scores = Mutex<[Float]>([])
        try await store.scanScores(.init(), labels: .init(), withFeatures: false, rescore: { $0[0] * 2 }) { logged in
            scores.withLock { $0.append(logged.score) }
        }
        #expect(scores.withLock { $0 } == [0.2, 1.0, 1.4, 1.8])
    }
}
