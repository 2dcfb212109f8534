import Foundation
import GRDB

/// Copies the write-ahead log into the database file off the commit path.
///
/// SQLite normally checkpoints inside the commit that crosses 1,000 log pages, so that one
/// acknowledged write pays for copying everything before it: the batch latency p99 of event
/// ingestion. A store opened with `.background` checkpoints never commits that way; the
/// serving process runs `SQLiteStore.checkpoint()` every `interval` from its service group,
/// and this type runs a passive checkpoint from its own connection, which neither blocks nor
/// waits for the writer, once the log holds `threshold` bytes. The log is restarted from its
/// beginning after a checkpoint, so it stays near `threshold` in size.
final class Checkpointer: Sendable {
    /// Checkpoint once the log holds this many bytes.
    static let threshold = 8 << 20

    private let connection: DatabaseQueue
    private let walPath: String

    init(path: String) throws {
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        walPath = path + "-wal"
    }

    /// Copies the log into the database when it has grown past the threshold. A failure (the
    /// file is busy) only postpones the copy to the next call.
    func checkpointIfLarge() async {
        let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0
        guard size >= Self.threshold else { return }
        try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
    }
}
