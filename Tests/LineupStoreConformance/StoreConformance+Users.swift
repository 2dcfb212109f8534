import Foundation
import LineupCore
import LineupStore
import Testing

extension StoreConformance {
    static let userChecks: [Check] = [
        Check("users: an upsert creates, then replaces keeping the original createdAt", upsertKeepsUserCreation),
        Check("users: a batch upsert counts the profiles it created and the ones it replaced", userBatchCounts),
        Check("users: users(after:limit:) pages in id order", usersPageInIdOrder),
        Check("users: eraseUser removes the profile, events, impressions and exposures, and counts them", eraseUser),
        Check("users: erasure removes the profile and the events that export showed", erasureRemovesProfileAndEvents),
        Check("users: erasure removes the impressions that export showed", erasureRemovesImpressions),
        Check("users: erasing an unknown user reports an empty erasure and changes nothing", eraseUnknownUser),
        Check("users: exportUser returns the profile, events oldest first and impressions oldest first", exportUser),
    ]

    static func upsertKeepsUserCreation(_ store: any Store) async throws {
        let t0 = Sample.t0
        let original = User(
            id: "u1", role: "analyst", team: "finance", timezone: "Europe/Paris",
            attributes: ["seniority": .number(3), "regions": .array([.string("emea")])], personalization: false,
            createdAt: t0, updatedAt: t0)
        let first = try await store.upsertUser(original)
        #expect(first.created)
        #expect(try await store.user(id: "u1") == original)
        let replacement = User(id: "u1", role: "executive", createdAt: t0.addingTimeInterval(90), updatedAt: t0.addingTimeInterval(90))
        let second = try await store.upsertUser(replacement)
        #expect(!second.created)
        var expected = replacement
        expected.createdAt = t0
        #expect(try await store.user(id: "u1") == expected, "every field replaced but createdAt")
        #expect(second.value == expected, "the upsert returns what it stored")
        #expect(try await store.user(id: "u2") == nil)
    }

    static func userBatchCounts(_ store: any Store) async throws {
        let first = try await store.upsertUsers([Sample.user("a"), Sample.user("b")])
        let second = try await store.upsertUsers([
            Sample.user("b", role: "executive", at: Sample.time(5)), Sample.user("c", at: Sample.time(5)),
        ])
        #expect(first == BatchCounts(inserted: 2, existing: 0))
        #expect(second == BatchCounts(inserted: 1, existing: 1))
        let b = try #require(try await store.user(id: "b"))
        #expect(b.role == "executive" && b.createdAt == Sample.t0 && b.updatedAt == Sample.time(5))
    }

    static func usersPageInIdOrder(_ store: any Store) async throws {
        _ = try await store.upsertUsers(["c", "a", "e", "b", "d"].map { Sample.user($0) })
        #expect(try await store.users(after: nil, limit: 2).map(\.id) == ["a", "b"])
        #expect(try await store.users(after: "b", limit: 2).map(\.id) == ["c", "d"])
        #expect(try await store.users(after: "d", limit: 2).map(\.id) == ["e"])
        #expect(try await store.users(after: "e", limit: 2).isEmpty)
        #expect(try await store.users(after: nil, limit: 10) == ["a", "b", "c", "d", "e"].map { Sample.user($0) })
    }

    /// Privacy law's erasure: nothing about the user may remain, not even in the log the
    /// analyses read, and everyone else's records stay as they were.
    static func eraseUser(_ store: any Store) async throws {
        _ = try await store.upsertUser(Sample.user("u1"))
        _ = try await store.upsertUser(Sample.user("u2"))
        let events = [
            Sample.event("e1", user: "u1", request: "r1"), Sample.event("e2", user: "u1", at: 5),
            Sample.event("e3", user: "u2", request: "r2"), Sample.event("e4", user: "u1", request: "r2", at: 7),
        ]
        _ = try await store.insertEvents(events)
        let impressions = [
            Sample.impression("r1", user: "u1", experiment: "x", variant: "a"),
            Sample.impression("r2", user: "u2", at: 1, experiment: "x", variant: "a"),
            Sample.impression("r3", user: "u1", at: 2),
        ]
        try await store.insertImpressions(impressions)
        #expect(try await store.exposures(experiment: "x") == ["a": 2])

        let erasure = try await store.eraseUser(id: "u1")
        let erasedEvents = events.filter { $0.userId == "u1" }.count
        let erasedImpressions = impressions.filter { $0.userId == "u1" }.count
        #expect(erasure == UserErasure(userId: "u1", profileDeleted: true, eventsDeleted: erasedEvents, impressionsDeleted: erasedImpressions))
        #expect(!erasure.isEmpty)
        #expect(try await store.user(id: "u1") == nil)
        #expect(try await store.events(userId: "u1").isEmpty)
        #expect(try await store.impressions(userId: "u1").isEmpty)
        #expect(try await store.exportUser(id: "u1").isEmpty)
        #expect(try await store.exposures(experiment: "x") == ["a": 1], "u1's exposure goes with them")
        #expect(try await store.eventLog().map(\.event.eventId) == ["e3"])
        #expect(try await store.labeledImpressions().map(\.impression.requestId) == ["r2"])
        let units = try await store.experimentUnits(experiment: "x", engagementTypes: [.click], window: 60, clockSkew: 0)
        #expect(units.map(\.userId) == ["u2"])

        #expect(try await store.user(id: "u2") == Sample.user("u2"))
        #expect(try await store.events(userId: "u2").count == 1)
        #expect(try await store.impressions(userId: "u2").count == 1)
        #expect(try await store.eraseUser(id: "u1") == UserErasure(userId: "u1", profileDeleted: false, eventsDeleted: 0))
    }

    static func erasureRemovesProfileAndEvents(_ store: any Store) async throws {
        let t0 = Sample.t0
        func event(_ id: String, user: String = "u1", at offset: TimeInterval = 0) -> Event {
            Event(eventId: id, userId: user, sessionId: "s1", itemId: "w1", type: .click, value: 2.5,
                  timestamp: t0.addingTimeInterval(offset), requestId: "r1", context: ["device": "mobile"], receivedAt: t0)
        }
        _ = try await store.upsertUser(User(id: "u1", role: "analyst", createdAt: t0, updatedAt: t0))
        _ = try await store.insertEvents([event("e1"), event("e2", at: 5), event("e3", user: "u2")])
        let export = try await store.exportUser(id: "u1")
        #expect(export.profile?.role == "analyst")
        #expect(export.events.map(\.eventId) == ["e1", "e2"])

        let erasure = try await store.eraseUser(id: "u1")
        #expect(erasure == UserErasure(userId: "u1", profileDeleted: true, eventsDeleted: 2))
        #expect(try await store.exportUser(id: "u1").isEmpty)
        #expect(try await store.events(userId: "u2").count == 1)
    }

    static func erasureRemovesImpressions(_ store: any Store) async throws {
        try await store.insertImpressions([
            Sample.impression("r1"), Sample.impression("r2", user: "other"), Sample.impression("r3", at: 60),
        ])
        let export = try await store.exportUser(id: "u")
        #expect(export.impressions.map(\.requestId) == ["r1", "r3"])
        #expect(export.impressions[0].items.count == 3)
        let erasure = try await store.eraseUser(id: "u")
        #expect(erasure.impressionsDeleted == 2)
        #expect(try await store.impressions(userId: "u").isEmpty)
        #expect(try await store.labeledImpressions().map(\.impression.requestId) == ["r2"])
    }

    static func eraseUnknownUser(_ store: any Store) async throws {
        _ = try await store.upsertUser(Sample.user("u1"))
        _ = try await store.insertEvents([Sample.event("e1", user: "u1")])
        try await store.insertImpressions([Sample.impression("r1", user: "u1")])
        let erasure = try await store.eraseUser(id: "nobody")
        #expect(erasure == UserErasure(userId: "nobody", profileDeleted: false, eventsDeleted: 0, impressionsDeleted: 0))
        #expect(erasure.isEmpty)
        #expect(try await store.user(id: "u1") != nil)
        #expect(try await store.events(userId: "u1").count == 1)
        #expect(try await store.impressions(userId: "u1").count == 1)
    }

    /// Privacy law's export: everything stored about the user, in the order it happened,
    /// whatever order it arrived in.
    static func exportUser(_ store: any Store) async throws {
        let t0 = Sample.t0
        _ = try await store.upsertUser(User(id: "u1", role: "analyst", createdAt: t0, updatedAt: t0))
        var e1 = Sample.event("e1", user: "u1", request: "r1")
        e1.sessionId = "s1"
        e1.value = 2.5
        e1.context = ["device": "mobile"]
        // Arrival order differs from the order the events happened in.
        let events = [Sample.event("e3", user: "u1", at: 9), e1, Sample.event("e2", user: "u1", type: .dwell, at: 5, value: 41),
                      Sample.event("x1", user: "u2", at: 1)]
        _ = try await store.insertEvents(events)
        let impressions = [
            Sample.impression("r3", user: "u1", at: 120), Sample.impression("r1", user: "u1"),
            Sample.impression("r2", user: "other", at: 30), Sample.impression("r4", user: "u1", at: 60, features: false),
        ]
        try await store.insertImpressions(impressions)

        let export = try await store.exportUser(id: "u1")
        #expect(export.userId == "u1")
        #expect(export.profile?.role == "analyst")
        #expect(export.profile == User(id: "u1", role: "analyst", createdAt: t0, updatedAt: t0))
        let own = events.filter { $0.userId == "u1" }.sorted { $0.timestamp < $1.timestamp }
        #expect(export.events == own, "every field, oldest first")
        #expect(export.events.map(\.eventId) == ["e1", "e2", "e3"])
        let shown = impressions.filter { $0.userId == "u1" }.sorted { $0.time < $1.time }
        #expect(export.impressions.map(\.requestId) == shown.map(\.requestId))
        #expect(export.impressions.count == shown.count
                && zip(export.impressions, shown).allSatisfy { $0.isSame(as: $1) }, "impressions as served")
        #expect(export.impressions.first?.items.count == 3)
        #expect(try await store.events(userId: "u1") == own)
        let read = try await store.impressions(userId: "u1")
        #expect(read.count == shown.count && zip(read, shown).allSatisfy { $0.isSame(as: $1) })

        // A user with events but no profile is exported too; one with nothing is empty.
        let anonymous = try await store.exportUser(id: "u2")
        #expect(anonymous.profile == nil && anonymous.events.map(\.eventId) == ["x1"] && !anonymous.isEmpty)
        let nobody = try await store.exportUser(id: "nobody")
        #expect(nobody.isEmpty && nobody.userId == "nobody")
    }
}
