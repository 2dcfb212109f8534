import Foundation
import LineupStore
import Logging
import PostgresNIO
import Synchronization

extension PostgresStore: SharedStore {
    /// The channel every write notifies at commit, so followers wake at once.
    static let channel = "lineup_writes"

    public func changes(after sequence: Int64, limit: Int) async throws -> [StoreChange] {
        try await query("SELECT seq, kind, key FROM changes WHERE seq > \(sequence) ORDER BY seq LIMIT \(Int64(limit))").map { row in
            let (sequence, kindName, key) = try row.decode((Int64, String, String).self)
            guard let kind = StoreChange.Kind(rawValue: kindName) else {
                throw PostgresStoreError.corrupt("change \(sequence) has unknown kind \(kindName)")
            }
            return StoreChange(sequence: sequence, kind: kind, key: key)
        }
    }

    public func lastChange() async throws -> Int64 {
        try await query("SELECT last_seq FROM change_log WHERE id = 1").first?.decode(Int64.self) ?? 0
    }

    public func trimChanges(olderThan age: TimeInterval) async throws {
        try await query("DELETE FROM changes WHERE at < \(Date().timeIntervalSince1970 - age)")
    }

    /// Listens on one of the pool's connections, held for as long as the stream is
    /// iterated, and listens again a second after the connection drops. The connection is
    /// watched rather than trusted to end the listen: postgres-nio 1.33 can leave a
    /// statement written to a connection the server just closed pending for ever.
    public func writeNotifications() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let client = client
        let logger = logger
        let listener = Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        let ended = Flag()
                        let listening = Task {
                            defer { ended.set() }
                            try await connection.listen(on: Self.channel) { notifications in
                                // A (re)connect may have missed notifications: wake the follower once.
                                continuation.yield()
                                for try await _ in notifications { continuation.yield() }
                            }
                        }
                        while !Task.isCancelled && !connection.isClosed && !ended.isSet {
                            try? await Task.sleep(for: .milliseconds(250))
                        }
                        listening.cancel()
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.debug("listening for writes failed; retrying", metadata: ["error": "\(Self.describe(error))"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in listener.cancel() }
        return stream
    }

    /// Records that `keys` of `kind` changed, in the caller's transaction, and notifies the
    /// followers at its commit. The counter row's lock orders changes by commit.
    /// One row upserted in one transaction that records its change.
    func upserting<Row: Sendable>(
        _ row: Row, kind: StoreChange.Kind, key: String,
        _ upsert: @escaping @Sendable (Row, PostgresConnection) async throws -> Upserted<Row>
    ) async throws -> Upserted<Row> {
        try await transaction { connection in
            let upserted = try await upsert(row, connection)
            try await Self.recordChange(kind, keys: [key], on: connection, logger: self.logger)
            return upserted
        }
    }

    /// A batch upserted row by row in one transaction that records one change naming them all.
    func upserting<Row: Sendable>(
        _ rows: [Row], kind: StoreChange.Kind, key: @escaping @Sendable (Row) -> String,
        _ upsert: @escaping @Sendable (Row, PostgresConnection) async throws -> Upserted<Row>
    ) async throws -> BatchCounts {
        try await transaction { connection in
            var counts = BatchCounts(inserted: 0, existing: 0)
            for row in rows {
                if try await upsert(row, connection).created { counts.inserted += 1 } else { counts.existing += 1 }
            }
            try await Self.recordChange(kind, keys: rows.map(key), on: connection, logger: self.logger)
            return counts
        }
    }

    static func recordChange(
        _ kind: StoreChange.Kind, keys: [String], on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !keys.isEmpty else { return }
        let count = Int64(keys.count)
        try await connection.query(
            """
            WITH counter AS (
                UPDATE change_log SET last_seq = last_seq + \(count) WHERE id = 1 RETURNING last_seq - \(count) AS base
            )
            INSERT INTO changes (seq, kind, key, at)
            SELECT counter.base + t.k, \(kind.rawValue), t.key, \(Date().timeIntervalSince1970)
            FROM counter, unnest(\(keys)::text[]) WITH ORDINALITY AS t(key, k)
            """, logger: logger)
        try await notify(on: connection, logger: logger)
    }

    /// Wakes the followers when the transaction commits (PostgreSQL folds repeats).
    static func notify(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(channel), '')", logger: logger)
    }
}

/// Set by one task, read by another.
private final class Flag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    var isSet: Bool { value.withLock { $0 } }
}
