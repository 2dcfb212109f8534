import Foundation
import LineupCore
import LineupStore
import Testing

extension StoreConformance {
    static let eventChecks: [Check] = [
        Check("events: duplicate ids are no-ops, within a batch and across batches", duplicateEventsAreNoOps),
        Check(
            "events: insertEvents reports the positions of the new events, the log sequences they were given, and counts the rest",
            eventInsertionPositions),
        Check("events: events(after:limit:) tails the log in arrival order with increasing sequences", eventLogInArrivalOrder),
        Check("events: an event arriving after an erased one gets a greater sequence", sequencesOutliveErasure),
        Check("events: events(userId:) is the user's events, oldest first, every field as sent", userEventsOldestFirst),
    ]

    /// Clients retry: a resent event must change nothing, or engagement is counted twice.
    static func duplicateEventsAreNoOps(_ store: any Store) async throws {
        let t0 = Sample.t0
        func event(_ id: String, user: String = "u1", at offset: TimeInterval = 0) -> Event {
            Event(eventId: id, userId: user, sessionId: "s1", itemId: "w1", type: .click, value: 2.5,
                  timestamp: t0.addingTimeInterval(offset), requestId: "r1", context: ["device": "mobile"], receivedAt: t0)
        }
        let first = try await store.insertEvents([event("e1"), event("e2"), event("e1")])
        #expect(first.inserted == [0, 1] && first.duplicates == 1)
        var changed = event("e2")
        changed.type = .hide
        let second = try await store.insertEvents([changed, event("e3")])
        #expect(second.inserted == [1] && second.duplicates == 1)
        let log = try await store.events(after: 0, limit: 10)
        #expect(log.map(\.event.eventId) == ["e1", "e2", "e3"])
        #expect(try await store.events(after: log[1].sequence, limit: 10).map(\.event.eventId) == ["e3"])
        let events = try await store.events(userId: "u1")
        #expect(events.map(\.eventId) == ["e1", "e2", "e3"])
        #expect(events[1].type == .click, "a duplicate id must not overwrite the stored event")
        #expect(events[0] == event("e1"))
    }

    /// The engine feeds only the new events to its online state, by the positions reported.
    static func eventInsertionPositions(_ store: any Store) async throws {
        #expect(try await store.insertEvents([]) == EventInsertion(inserted: [], sequences: [], duplicates: 0))
        var known = Set<String>()
        var stored: [String] = []
        var given: [String: Int64] = [:]
        var rng = SeededGenerator(seed: 11)
        for batch in 0..<6 {
            // Ids drawn from a small pool, so batches repeat themselves and each other.
            let ids = (0..<Int.random(in: 1...12, using: &rng)).map { _ in "e\(Int.random(in: 0..<30, using: &rng))" }
            let events = ids.enumerated().map { index, id in
                Sample.event(id, user: "u\(index % 3)", type: EventType.allCases[(batch + index) % EventType.allCases.count],
                             at: Double(batch * 100 + index))
            }
            var expected: [Int] = []
            for (index, id) in ids.enumerated() where known.insert(id).inserted {
                expected.append(index)
                stored.append(id)
            }
            let before = given.values.max() ?? 0
            let insertion = try await store.insertEvents(events)
            #expect(insertion.inserted == expected && insertion.duplicates == ids.count - expected.count, "batch \(batch): \(ids)")
            #expect(insertion.counts == BatchCounts(inserted: expected.count, existing: ids.count - expected.count))
            // A replica applies its own batch at once when it follows the last sequence it
            // applied: the batch's sequences are consecutive and after every earlier one.
            #expect(insertion.sequences.count == expected.count)
            if let first = insertion.sequences.first {
                #expect(first > before)
                #expect(insertion.sequences == Array(first..<first + Int64(expected.count)), "consecutive: \(insertion.sequences)")
            }
            for (position, sequence) in zip(insertion.inserted, insertion.sequences) { given[ids[position]] = sequence }
        }
        let log = try await store.eventLog()
        #expect(log.map(\.event.eventId) == stored, "each id stored once, first arrival kept")
        #expect(Dictionary(uniqueKeysWithValues: log.map { ($0.event.eventId, $0.sequence) }) == given, "the sequences reported are the log's")
        #expect(try await store.statistics().events == stored.count)
    }

    /// How the engine rebuilds its state on start: page after page, each strictly after the
    /// last sequence seen, until a short page.
    static func eventLogInArrivalOrder(_ store: any Store) async throws {
        // Timestamps run backwards: arrival order, not the clients' clocks, orders the log.
        let batches = (0..<4).map { batch in
            (0..<7).map { index in Sample.event("b\(batch)-\(index)", user: "u\(index % 2)", at: Double(-100 * batch - index)) }
        }
        for batch in batches { _ = try await store.insertEvents(batch) }
        let arrival = batches.flatMap { $0 }

        let log = try await store.eventLog()
        #expect(log.map(\.event) == arrival)
        #expect(zip(log, log.dropFirst()).allSatisfy { $0.sequence < $1.sequence }, "sequences increase")

        var paged: [LoggedEvent] = []
        var sequence: Int64 = 0
        while true {
            let page = try await store.events(after: sequence, limit: 5)
            #expect(page.count <= 5)
            paged += page
            guard page.count == 5, let last = page.last else { break }
            sequence = last.sequence
        }
        #expect(paged == log)
        let last = try #require(log.last)
        #expect(try await store.events(after: last.sequence, limit: 5).isEmpty)
        #expect(try await store.events(after: log[9].sequence, limit: 3).map(\.event) == Array(arrival[10..<13]))

        // Events written later come after everything before them.
        _ = try await store.insertEvents([Sample.event("late", at: -10_000)])
        #expect(try await store.events(after: last.sequence, limit: 5).map(\.event.eventId) == ["late"])
    }

    static func userEventsOldestFirst(_ store: any Store) async throws {
        let full = Event(
            eventId: "full", userId: "u1", sessionId: "s-9", itemId: "w7", type: .dwell, value: 42.125,
            timestamp: Sample.time(30.5), requestId: "r-1", context: ["device": "tablet", "page": "/sales?q=1"],
            receivedAt: Sample.time(31.25))
        let bare = Event(eventId: "bare", userId: "u1", itemId: "w8", type: .filterChange, timestamp: Sample.time(-4),
                         receivedAt: Sample.time(-3))
        let later = Sample.event("later", user: "u1", at: 3600)
        let other = Sample.event("other", user: "u2", at: 1)
        _ = try await store.insertEvents([later, full, other, bare])
        #expect(try await store.events(userId: "u1") == [bare, full, later])
        #expect(try await store.events(userId: "u2") == [other])
        #expect(try await store.events(userId: "nobody").isEmpty)
    }

    /// A reader tailing the log resumes strictly after the last sequence it saw; if an
    /// erasure let that sequence be handed out again, the reader would skip the new event.
    static func sequencesOutliveErasure(_ store: any Store) async throws {
        _ = try await store.insertEvents([Sample.event("e1", user: "u1"), Sample.event("e2", user: "u2", at: 1)])
        let seen = try #require(try await store.eventLog().last)
        #expect(seen.event.eventId == "e2")
        _ = try await store.eraseUser(id: "u2")
        _ = try await store.insertEvents([Sample.event("e3", user: "u1", at: 2)])
        let log = try await store.eventLog()
        #expect(log.map(\.event.eventId) == ["e1", "e3"])
        #expect(try await store.events(after: seen.sequence, limit: 10).map(\.event.eventId) == ["e3"],
                "sequences \(log.map(\.sequence)), the erased e2 had \(seen.sequence)")
    }
}
