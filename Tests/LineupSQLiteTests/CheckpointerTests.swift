import Foundation
import LineupCore
import LineupSQLite
import Testing

@Suite struct CheckpointerTests {
    /// Commits never checkpoint (wal_autocheckpoint = 0), so the database file only grows when
    /// the background checkpointer copies the log into it.
    @Test func logIsCopiedIntoTheDatabaseInTheBackground() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("lineup.sqlite").path
        let store = try SQLiteStore(configuration: .init(path: path, synchronous: .normal, checkpoints: .background))
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
        #expect(size(path) < 4 << 20, "no commit copied the log: database \(size(path)) bytes")
        var waited = 0
        while size(path) < 4 << 20 && waited < 100 {
            await store.checkpoint()  // what the server's maintenance service does every interval
            try await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        #expect(size(path) >= 4 << 20, "database \(size(path)) bytes, log \(size(path + "-wal")) bytes")
        #expect(try await store.statistics().events == 50_000)
    }
}
