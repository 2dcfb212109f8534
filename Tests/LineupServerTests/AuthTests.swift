import Foundation
import HummingbirdTesting
import LineupAnalysis
import LineupEngine
import LineupSQLite
import LineupServer
import Testing

@Suite struct AuthTests {
    @Test func scopesAreEnforced() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let missing = try await client.call(.get, "/v1/items", token: nil)
            #expect(missing.status == .unauthorized)
            #expect(missing.contentType == "application/problem+json")
            #expect(try await client.call(.get, "/v1/items", token: "wrong").status == .unauthorized)
            #expect(try await client.call(.get, "/v1/items", token: TestServer.client).status == .forbidden)
            #expect(try await client.call(.put, "/v1/items/w1", json: Body.item(), token: TestServer.client).status == .forbidden)
            #expect(try await client.call(.get, "/v1/items/w1", token: TestServer.client).status == .forbidden)
            #expect(try await client.call(.get, "/v1/items", token: TestServer.admin).status == .ok)

            let events = Body.events([Body.event("e1")])
            #expect(try await client.call(.post, "/v1/events", json: events, token: nil).status == .unauthorized)
            #expect(try await client.call(.post, "/v1/events", json: events, token: TestServer.client).status == .ok)
            #expect(try await client.call(.post, "/v1/events", json: events, token: TestServer.admin).status == .ok)

            for open in ["/healthz", "/readyz", "/metrics"] {
                #expect(try await client.call(.get, open, token: nil).status == .ok)
            }
        }
    }

    @Test func withoutTokensEverythingIsOpenOnLoopback() async throws {
        var server = TestServer()
        server.configuration = .init()
        try await server.run { (client: any TestClientProtocol) async throws in
            #expect(try await client.call(.get, "/v1/items", token: nil).status == .ok)
        }
    }

    @Test func refusesAPublicBindWithoutTokens() throws {
        let store = try SQLiteStore()
        let engine = Engine(store: store)
        let analysis = Analysis(configuration: .init(schema: OnlineFeatures.schema), store: store, models: engine.models)
        let open = Server(configuration: .init(host: "0.0.0.0"), engine: engine, analysis: analysis)
        #expect(throws: Server.Error.self) { try open.validate() }
        #expect(throws: Server.Error.self) { _ = try open.makeApplication() }
        let secured = Server(configuration: .init(host: "0.0.0.0", adminTokens: ["t"]), engine: engine, analysis: analysis)
        _ = try secured.makeApplication()
        let loopback = Server(configuration: .init(host: "127.0.0.1"), engine: engine, analysis: analysis)
        _ = try loopback.makeApplication()
    }
}
