import Foundation
import GRDB

/// Copies the write-ahead log into the database file in the background.
///
/// SQLite normally checkpoints inside the commit that crosses 1,000 log pages, so that one
/// acknowledged write pays for copying everything before it: the batch latency p99 of event
/// ingestion. Here commits never checkpoint; this type runs passive checkpoints from its own
/// connection on its own thread, which neither block nor wait for the writer. The log is
/// restarted from its beginning after a checkpoint, so it stays near `threshold` in size.
// @unchecked: the timer is set up in init and cancelled in deinit, never touched in between.
final class Checkpointer: @unchecked Sendable {
    /// Checkpoint once the log holds this many bytes.
    static let threshold = 8 << 20
    static let interval = DispatchTimeInterval.milliseconds(100)

    private let connection: DatabaseQueue
    private let timer: any DispatchSourceTimer
    private let walPath: String

    init(path: String) throws {
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        walPath = path + "-wal"
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "lineup.sqlite.checkpoint"))
        timer.schedule(deadline: .now() + Self.interval, repeating: Self.interval)
        timer.setEventHandler { [connection, walPath] in
            let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0
            guard size >= Self.threshold else { return }
            // A failure (the file is busy) only postpones the copy to the next tick.
            try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
        timer.resume()
    }

    deinit {
        timer.cancel()
    }
}
