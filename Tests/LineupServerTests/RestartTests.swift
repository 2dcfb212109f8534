import Foundation
import HummingbirdTesting
import Testing

@Suite struct RestartTests {
    @Test func dataSurvivesARestartOnTheSameFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var server = TestServer()
        server.databasePath = directory.appendingPathComponent("lineup.sqlite").path

        try await server.run { (client: any TestClientProtocol) async throws in
            #expect(try await client.call(.put, "/v1/items/w1", json: Body.item()).status == .created)
            #expect(try await client.call(.put, "/v1/users/u1", json: #"{"role": "analyst"}"#).status == .created)
            #expect(try await client.call(.post, "/v1/events", json: Body.events([Body.event("e1")])).status == .ok)
        }
        try await server.run { (client: any TestClientProtocol) async throws in
            #expect(try await client.call(.get, "/v1/items/w1").status == .ok)
            #expect(try await client.call(.get, "/v1/users/u1").json["role"] as? String == "analyst")
            let retry = try await client.call(.post, "/v1/events", json: Body.events([Body.event("e1")]))
            #expect(retry.json["duplicates"] as? Int == 1, "event ids are remembered across restarts")
        }
    }
}
