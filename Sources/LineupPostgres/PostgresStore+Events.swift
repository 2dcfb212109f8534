import Foundation
import LineupCore
import LineupStore
import PostgresNIO

extension PostgresStore {
    /// One statement per batch: the batch travels as one array per column and `unnest`
    /// turns it back into rows, so a batch of 1,000 events is one round trip and one plan.
    /// The log's counter row is locked first: inserters queue on it, so sequences are given
    /// in commit order and a reader tailing the log never skips one that commits late.
    public func insertEvents(_ events: [Event]) async throws -> EventInsertion {
        guard !events.isEmpty else { return EventInsertion(inserted: [], sequences: [], duplicates: 0) }
        var binds = PostgresBindings(capacity: 15)
        binds.append(events.map(\.eventId))
        binds.append(events.map(\.userId))
        binds.append(events.map { $0.sessionId ?? "" })
        binds.append(events.map { $0.sessionId != nil })
        binds.append(events.map(\.itemId))
        binds.append(events.map(\.type.rawValue))
        binds.append(events.map { $0.value ?? 0 })
        binds.append(events.map { $0.value != nil })
        binds.append(events.map(\.timestamp.timeIntervalSince1970))
        binds.append(events.map { $0.requestId ?? "" })
        binds.append(events.map { $0.requestId != nil })
        binds.append(events.map { $0.context.isEmpty ? "" : JSONCoding.string($0.context) })
        binds.append(events.map(\.receivedAt.timeIntervalSince1970))
        let insert = PostgresQuery(
            unsafeSQL: """
                WITH input AS (
                    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::text[], $6::text[],
                        $7::float8[], $8::bool[], $9::float8[], $10::text[], $11::bool[], $12::text[], $13::float8[])
                        WITH ORDINALITY AS t(event_id, user_id, session_id, has_session, item_id, type, value, has_value,
                            ts, request_id, has_request, context, received_at, n)
                ), fresh AS (
                    SELECT DISTINCT ON (event_id) * FROM input
                    WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = input.event_id)
                    ORDER BY event_id, n
                ), numbered AS (
                    SELECT *, row_number() OVER (ORDER BY n) AS k FROM fresh
                ), counter AS (
                    SELECT last_seq FROM event_log WHERE id = 1
                )
                INSERT INTO events (seq, event_id, user_id, session_id, item_id, type, value, ts, request_id, context, received_at)
                SELECT counter.last_seq + k, event_id, user_id, CASE WHEN has_session THEN session_id END, item_id, type,
                    CASE WHEN has_value THEN value END, ts, CASE WHEN has_request THEN request_id END, NULLIF(context, ''),
                    received_at
                FROM numbered, counter ORDER BY k
                RETURNING event_id, seq
                """,
            binds: binds)
        let inserted: [String: Int64] = try await transaction { connection in
            // The lock that orders the log (see above); taken before reading which ids are new.
            try await connection.query("SELECT last_seq FROM event_log WHERE id = 1 FOR UPDATE", logger: self.logger)
            var ids: [String: Int64] = [:]
            for try await (id, sequence) in try await connection.query(insert, logger: self.logger).decode((String, Int64).self) {
                ids[id] = sequence
            }
            try await connection.query(
                "UPDATE event_log SET last_seq = last_seq + \(Int64(ids.count)), rows = rows + \(Int64(ids.count)) WHERE id = 1",
                logger: self.logger)
            if !ids.isEmpty { try await Self.notify(on: connection, logger: self.logger) }
            return ids
        }
        var seen = Set<String>()
        var positions: [Int] = []
        var sequences: [Int64] = []
        for (index, event) in events.enumerated() where seen.insert(event.eventId).inserted {
            guard let sequence = inserted[event.eventId] else { continue }
            positions.append(index)
            sequences.append(sequence)
        }
        return EventInsertion(inserted: positions, sequences: sequences, duplicates: events.count - positions.count)
    }

    public func events(after sequence: Int64, limit: Int) async throws -> [LoggedEvent] {
        try await query(
            "SELECT seq, \(unescaped: Self.eventColumns) FROM events WHERE seq > \(sequence) ORDER BY seq LIMIT \(Int64(limit))"
        ).map { row in
            var cells = row.makeIterator()
            let sequence = try cells.next()!.decode(Int64.self)
            return LoggedEvent(sequence: sequence, event: try Self.event(from: &cells))
        }
    }

    public func events(userId: String) async throws -> [Event] {
        try await query(Self.eventsQuery(userId: userId)).map { row in
            var cells = row.makeIterator()
            return try Self.event(from: &cells)
        }
    }

    static func eventsQuery(userId: String) -> PostgresQuery {
        "SELECT \(unescaped: eventColumns) FROM events WHERE user_id = \(userId) ORDER BY ts, seq"
    }

    static let eventColumns = "event_id, user_id, session_id, item_id, type, value, ts, request_id, context, received_at"

    /// Reads the `eventColumns` from `cells`, in that order.
    static func event(from cells: inout PostgresRow.Iterator) throws -> Event {
        let eventId = try cells.next()!.decode(String.self)
        let userId = try cells.next()!.decode(String.self)
        let sessionId = try cells.next()!.decode(String?.self)
        let itemId = try cells.next()!.decode(String.self)
        let typeName = try cells.next()!.decode(String.self)
        let value = try cells.next()!.decode(Double?.self)
        let ts = try cells.next()!.decode(Double.self)
        let requestId = try cells.next()!.decode(String?.self)
        let context = try cells.next()!.decode(String?.self)
        let receivedAt = try cells.next()!.decode(Double.self)
        guard let type = EventType(rawValue: typeName) else {
            throw PostgresStoreError.corrupt("event \(eventId) has unknown type \(typeName)")
        }
        return Event(
            eventId: eventId, userId: userId, sessionId: sessionId, itemId: itemId, type: type, value: value,
            timestamp: Date(timeIntervalSince1970: ts), requestId: requestId,
            context: try context.map { try JSONCoding.object(from: $0) } ?? [:],
            receivedAt: Date(timeIntervalSince1970: receivedAt))
    }
}
