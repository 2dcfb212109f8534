import Foundation
import GRDB
import LineupCore
import LineupStore

extension SQLiteStore {
    public func insertEvents(_ events: [Event]) async throws -> EventInsertion {
        // Encode outside the write transaction: the writer is the one serialized resource.
        let contexts = events.map { $0.context.isEmpty ? nil : JSONCoding.string($0.context) }
        return try await writer.write { db in
            // Sequences are given here, from the log's counter, never from MAX(seq): an
            // erasure of the newest events must not hand their sequences out again.
            var last = try Int64.fetchOne(db, sql: "SELECT last_seq FROM event_log") ?? 0
            let statement = try db.cachedStatement(sql: """
                INSERT INTO events (seq, event_id, user_id, session_id, item_id, type, value, ts, request_id, context, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(event_id) DO NOTHING
                """)
            var inserted: [Int] = []
            var sequences: [Int64] = []
            for (index, (event, context)) in zip(events, contexts).enumerated() {
                try statement.execute(arguments: [
                    last + 1, event.eventId, event.userId, event.sessionId, event.itemId, event.type.rawValue,
                    event.value, event.timestamp.timeIntervalSince1970, event.requestId, context,
                    event.receivedAt.timeIntervalSince1970,
                ])
                if db.changesCount > 0 {
                    inserted.append(index)
                    last += 1
                    sequences.append(last)
                }
            }
            try db.execute(
                sql: "UPDATE event_log SET last_seq = ?, rows = rows + ?", arguments: [last, inserted.count])
            return EventInsertion(inserted: inserted, sequences: sequences, duplicates: events.count - inserted.count)
        }
    }

    public func events(after sequence: Int64, limit: Int) async throws -> [LoggedEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [sequence, limit]
            ).map { LoggedEvent(sequence: $0["seq"], event: try Self.event(from: $0)) }
        }
    }

    public func events(userId: String) async throws -> [Event] {
        try await writer.read { db in try Self.events(userId: userId, in: db) }
    }

    static func events(userId: String, in db: Database) throws -> [Event] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM events WHERE user_id = ? ORDER BY ts, seq", arguments: [userId]
        ).map(event(from:))
    }

    static func event(from row: Row) throws -> Event {
        let context: String? = row["context"]
        let typeName: String = row["type"]
        guard let type = EventType(rawValue: typeName) else {
            throw SQLiteStoreError.corrupt("event \(row["event_id"] as String? ?? "?") has unknown type \(typeName)")
        }
        return Event(
            eventId: row["event_id"],
            userId: row["user_id"],
            sessionId: row["session_id"],
            itemId: row["item_id"],
            type: type,
            value: row["value"],
            timestamp: Date(timeIntervalSince1970: row["ts"]),
            requestId: row["request_id"],
            context: try context.map { try JSONCoding.object(from: $0) } ?? [:],
            receivedAt: Date(timeIntervalSince1970: row["received_at"])
        )
    }
}
