import Foundation
import GRDB
import LineupCore
import LineupStore

/// The embedded default store: one SQLite file, written through GRDB.
///
/// A `DatabasePool` in WAL mode lets readers run while a writer commits. Every write is one
/// transaction, and with `synchronous = FULL` a transaction is on disk when the call returns,
/// so what the service acknowledges survives a crash or a power cut.
public final class SQLiteStore: Store {
    public struct Configuration: Sendable {
        /// The database file; created with its directory when missing.
        public var path: String
        /// `FULL` makes every commit durable on return; `NORMAL` trades the last
        /// commits on power loss (never on a process crash) for throughput.
        public var synchronous: Synchronous
        /// Who copies the write-ahead log into the database file.
        public var checkpoints: Checkpoints

        public enum Synchronous: String, Sendable {
            case full = "FULL"
            case normal = "NORMAL"
        }

        public enum Checkpoints: Sendable {
            /// SQLite's own: the commit that crosses 1,000 log pages copies it. For commands
            /// that run no service group.
            case inline
            /// The caller runs `checkpoint()` every `SQLiteStore.checkpointInterval` (the
            /// server's service group does), so no acknowledged write waits for the copy.
            case background
        }

        public init(path: String, synchronous: Synchronous = .full, checkpoints: Checkpoints = .inline) {
            self.path = path
            self.synchronous = synchronous
            self.checkpoints = checkpoints
        }
    }

    /// How often a `.background` store wants `checkpoint()` called.
    public static let checkpointInterval = Duration.milliseconds(100)

    let writer: any DatabaseWriter
    let path: String?
    private let checkpointer: Checkpointer?

    /// Opens (creating when needed) the database file and runs pending migrations.
    public init(configuration: Configuration) throws {
        let url = URL(fileURLWithPath: configuration.path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var config = GRDB.Configuration()
        let synchronous = configuration.synchronous.rawValue
        let background = configuration.checkpoints == .background
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // Event ids and user ids land on random index pages: keep the hot part of the
            // indexes in memory and read the rest through mmap instead of a copy per page.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            // With background checkpoints, commits never checkpoint: the `Checkpointer`
            // copies the log into the database from its own connection, so no acknowledged
            // write waits for that copy.
            if background { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            // After a checkpoint, cut a log that a burst made large back to 64 MB.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        config.busyMode = .timeout(10)
        writer = try DatabasePool(path: configuration.path, configuration: config)
        path = configuration.path
        try Schema.migrator.migrate(writer)
        checkpointer = background ? try Checkpointer(path: configuration.path) : nil
    }

    /// Copies the write-ahead log into the database file when it has grown large; what the
    /// serving process's maintenance service calls every `checkpointInterval` for a store
    /// opened with `.background` checkpoints (a no-op otherwise).
    public func checkpoint() async {
        await checkpointer?.checkpointIfLarge()
    }

    /// A private in-memory database, for tests.
    public init() throws {
        writer = try DatabaseQueue()
        path = nil
        checkpointer = nil
        try Schema.migrator.migrate(writer)
    }

    /// Writes a consistent copy of the whole database to a new file at `path` (`VACUUM
    /// INTO`), while this store stays open: how the demo loop serves several policies from
    /// one starting point.
    public func copy(to path: String) async throws {
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [path])
        }
    }

    public func readiness() async -> Readiness {
        do {
            let done = try await writer.read { db in try Schema.migrator.hasCompletedMigrations(db) }
            return done ? .ready : .notReady(reason: "database migrations are not complete")
        } catch {
            return .notReady(reason: "database is not readable: \(error)")
        }
    }

    public func statistics() async throws -> StoreStatistics {
        let counts = try await writer.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? 0,
                try Int.fetchOne(db, sql: "SELECT rows FROM event_log") ?? 0
            )
        }
        var bytes = 0
        if let path {
            for suffix in ["", "-wal", "-shm"] {
                let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
                bytes += (attributes?[.size] as? Int) ?? 0
            }
        }
        return StoreStatistics(items: counts.0, users: counts.1, events: counts.2, bytes: bytes)
    }

    /// Upserts every value inside the caller's transaction, counting creations and replacements.
    static func upsertEach<Value>(
        _ values: [Value], in db: Database, with upsert: (Value, Database) throws -> Upserted<Value>
    ) throws -> BatchCounts {
        var counts = BatchCounts(inserted: 0, existing: 0)
        for value in values {
            if try upsert(value, db).created { counts.inserted += 1 } else { counts.existing += 1 }
        }
        return counts
    }
}
