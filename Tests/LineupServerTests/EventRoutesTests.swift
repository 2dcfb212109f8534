import Foundation
import HummingbirdTesting
import Testing

@Suite struct EventRoutesTests {
    @Test func resendingABatchIsANoOp() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let batch = Body.events([Body.event("e1"), Body.event("e2", type: "dwell", extra: #", "value": 42.5"#), Body.event("e3")])
            let first = try await client.call(.post, "/v1/events", json: batch, token: TestServer.client)
            #expect(first.status == .ok)
            #expect(first.json["stored"] as? Int == 3)
            #expect(first.json["duplicates"] as? Int == 0)

            let retry = try await client.call(.post, "/v1/events", json: batch, token: TestServer.client)
            #expect(retry.json["stored"] as? Int == 0)
            #expect(retry.json["duplicates"] as? Int == 3)

            let mixed = Body.events([Body.event("e3"), Body.event("e4"), Body.event("e4")])
            let third = try await client.call(.post, "/v1/events", json: mixed, token: TestServer.client)
            #expect(third.json["stored"] as? Int == 1)
            #expect(third.json["duplicates"] as? Int == 2)

            let export = try await client.call(.get, "/v1/users/u1/export")
            let events = export.json["events"] as? [[String: Any]] ?? []
            #expect(events.count == 4)
            #expect(events.first?["context"] as? [String: String] == ["device": "mobile"])
            #expect(events.contains { $0["value"] as? Double == 42.5 })
        }
    }

    @Test func acceptsFractionalSecondsAndOffsets() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let batch = Body.events([
                Body.event("e1", timestamp: "2026-01-05T10:00:00.250Z"),
                Body.event("e2", timestamp: "2026-01-05T11:00:00+01:00", extra: #", "request_id": "r-1", "session_id": "s-1""#),
            ])
            let reply = try await client.call(.post, "/v1/events", json: batch)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json["stored"] as? Int == 2)
        }
    }
}
