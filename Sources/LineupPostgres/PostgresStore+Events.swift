import Foundation
import LineupCore
import LineupStore
import PostgresNIO

extension PostgresStore {
    /// One call per batch: the batch travels as one array per column and the
    /// `append_events` procedure (see `Schema`) turns it back into rows under the log's row
    /// lock, numbers the new ones in commit order (a reader tailing the log never skips one
    /// that commits late) and commits before it returns, so a batch of 1,000 events is one
    /// round trip and nothing waits on the client while the lock is held.
    public func insertEvents(_ events: [Event]) async throws -> EventInsertion {
        guard !events.isEmpty else { return EventInsertion(inserted: [], sequences: [], duplicates: 0) }
        var binds = PostgresBindings(capacity: 13)
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
        let call = PostgresQuery(
            unsafeSQL: "CALL append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, NULL)",
            binds: binds)
        var inserted: [String: Int64] = [:]
        for row in try await query(call) {
            let (ids, sequences) = try row.decode(([String], [Int64]).self)
            inserted = Dictionary(zip(ids, sequences), uniquingKeysWith: { first, _ in first })
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
