import Foundation
import HummingbirdTesting
import Testing

@Suite struct UserRoutesTests {
    @Test func profileLifecycleAndErasure() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let body = #"{"role": "analyst", "team": "growth", "timezone": "Europe/Paris", "attributes": {"seniority": "senior", "level": 3}}"#
            let created = try await client.call(.put, "/v1/users/u1", json: body)
            #expect(created.status == .created)
            #expect(created.json["personalization"] as? Bool == true)
            let optedOut = try await client.call(.put, "/v1/users/u1", json: #"{"role": "analyst", "personalization": false}"#)
            #expect(optedOut.status == .ok)
            #expect(optedOut.json["timezone"] as? String == "UTC")

            let read = try await client.call(.get, "/v1/users/u1")
            #expect(read.json["personalization"] as? Bool == false)

            _ = try await client.call(.post, "/v1/events", json: Body.events([Body.event("e1"), Body.event("e2"), Body.event("e3", user: "u2")]))
            let export = try await client.call(.get, "/v1/users/u1/export")
            #expect(export.status == .ok)
            #expect((export.json["profile"] as? [String: Any])?["role"] as? String == "analyst")
            #expect((export.json["events"] as? [Any])?.count == 2)

            let erased = try await client.call(.delete, "/v1/users/u1")
            #expect(erased.status == .ok)
            #expect(erased.json["profile_deleted"] as? Bool == true)
            #expect(erased.json["events_deleted"] as? Int == 2)
            #expect(try await client.call(.get, "/v1/users/u1").status == .notFound)
            #expect(try await client.call(.get, "/v1/users/u1/export").status == .notFound)
            #expect(try await client.call(.delete, "/v1/users/u1").status == .notFound)
            #expect(try await client.call(.get, "/v1/users/u2/export").status == .ok, "other users are untouched")
        }
    }

    @Test func listingPagesThroughTheProfiles() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            for (id, role) in [("c", "analyst"), ("a", "executive"), ("b", "engineer")] {
                #expect(try await client.call(.put, "/v1/users/\(id)", json: #"{"role": "\#(role)", "team": "t-\#(id)"}"#).status == .created)
            }
            let first = try await client.call(.get, "/v1/users?limit=2")
            #expect(first.status == .ok)
            let users = first.json["users"] as? [[String: Any]] ?? []
            #expect(users.compactMap { $0["id"] as? String } == ["a", "b"])
            #expect(users.first?["role"] as? String == "executive" && users.first?["team"] as? String == "t-a")
            let cursor = try #require(first.json["next_cursor"] as? String)
            let last = try await client.call(.get, "/v1/users?limit=2&cursor=\(cursor)")
            #expect((last.json["users"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["c"])
            #expect(last.json["next_cursor"] == nil)
            let badLimit = try await client.call(.get, "/v1/users?limit=5000")
            #expect(badLimit.status == .badRequest && badLimit.field == "limit")
        }
    }

    @Test func attributesRoundTrip() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            _ = try await client.call(.put, "/v1/users/u1", json: #"{"attributes": {"nested": {"a": [1, true, null, "x"]}}}"#)
            let read = try await client.call(.get, "/v1/users/u1")
            let nested = (read.json["attributes"] as? [String: Any])?["nested"] as? [String: Any]
            let values = nested?["a"] as? [Any]
            #expect(values?.count == 4)
            #expect(values?.first as? Int == 1)
        }
    }
}
