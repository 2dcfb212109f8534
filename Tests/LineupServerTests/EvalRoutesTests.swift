import Foundation
import HummingbirdTesting
import Testing

@Suite struct EvalRoutesTests {
    /// Served responses, labelled by the events that carry their request ids, evaluated.
    @Test func evalReportsWhatWasServedAndLabelled() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            try await RankRoutesTests.seed(client)
            let now = ISO8601DateFormatter().string(from: Date())
            var shown: [(request: String, items: [String])] = []
            for user in ["u1", "u2", "u3"] {
                let reply = try await client.call(
                    .post, "/v1/rank", json: #"{"user_id": "\#(user)", "surface": "home", "k": 3}"#, token: TestServer.client)
                shown.append((reply.json["request_id"] as! String, RankRoutesTests.ids(reply)))
            }
            // u1 clicks its second widget; u2 exports its first; u3 does nothing.
            _ = try await client.call(.post, "/v1/events", json: Body.events([
                Body.event("c1", user: "u1", item: shown[0].items[1], type: "click", timestamp: now,
                           extra: #", "request_id": "\#(shown[0].request)""#),
                Body.event("c2", user: "u2", item: shown[1].items[0], type: "export", timestamp: now,
                           extra: #", "request_id": "\#(shown[1].request)""#),
            ]), token: TestServer.client)

            let reply = try await client.call(.get, "/v1/eval?k=1,3", token: TestServer.admin)
            #expect(reply.status == .ok)
            let overall = try #require(reply.json["overall"] as? [String: Any])
            #expect(overall["requests"] as? Int == 3)
            #expect(overall["impressions"] as? Int == 9)
            #expect(overall["requests_with_positive"] as? Int == 2)
            let cutoffs = try #require(overall["cutoffs"] as? [[String: Any]])
            #expect(cutoffs.compactMap { $0["k"] as? Int } == [1, 3])
            // u2's engaged widget was first: reciprocal rank 1; u1's second: 1/2.
            #expect(overall["mrr"] as? Double == 0.75)
            let positions = try #require(overall["positions"] as? [[String: Any]])
            #expect(positions.compactMap { $0["impressions"] as? Int } == [3, 3, 3])
            #expect((reply.json["by_ranker"] as? [String: Any])?.keys.sorted() == ["fallback"])

            let filtered = try await client.call(.get, "/v1/eval?ranker=two_stage", token: TestServer.admin)
            #expect((filtered.json["overall"] as? [String: Any])?["requests"] as? Int == 0)
        }
    }

    @Test(arguments: ["k=0", "k=a", "k=", "ranker=best", "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"])
    func badQueriesAreProblems(_ query: String) async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let reply = try await client.call(.get, "/v1/eval?\(query)", token: TestServer.admin)
            #expect(reply.status == .badRequest, "\(query): \(reply.text)")
            #expect(reply.contentType?.hasPrefix("application/problem+json") == true)
        }
    }

    @Test func replayOfAnUnknownModelIsNotFoundAndClientsMayNotEvaluate() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            #expect(try await client.call(.get, "/v1/eval?replay=nope", token: TestServer.admin).status == .notFound)
            #expect(try await client.call(.get, "/v1/eval", token: TestServer.client).status == .forbidden)
        }
    }
}
