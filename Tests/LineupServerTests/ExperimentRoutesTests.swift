import Foundation
import HummingbirdTesting
import Testing

/// The experiment routes: define, list, serve under a variant, analyse; refusals by field.
@Suite struct ExperimentRoutesTests {
    static let definition = #"""
        {"salt": "s-1", "control": "pop", "targeting": {"surfaces": ["home"]},
         "variants": [
           {"id": "pop", "weight": 1, "overrides": {"ranker": "popularity"}},
           {"id": "ret", "weight": 1, "overrides": {"ranker": "retrieval", "bandit": "off"}}
         ]}
        """#

    @Test func anExperimentIsDefinedServedAndAnalysed() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            try await RankRoutesTests.seed(client)
            let created = try await client.call(.put, "/v1/experiments/home-test", json: Self.definition)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["status"] as? String == "running")
            #expect(try await client.call(.put, "/v1/experiments/home-test", json: Self.definition).status == .ok)
            let listed = try await client.call(.get, "/v1/experiments")
            #expect((listed.json["experiments"] as? [[String: Any]])?.map { $0["id"] as? String } == ["home-test"])

            var variants: [String: String] = [:]
            for user in 0..<20 {
                let ranking = try await client.call(
                    .post, "/v1/rank", json: #"{"user_id": "x\#(user)", "surface": "home", "k": 2}"#, token: TestServer.client)
                #expect(ranking.json["experiment"] as? String == "home-test")
                let variant = try #require(ranking.json["variant"] as? String)
                #expect(ranking.json["ranker"] as? String == (variant == "pop" ? "popularity" : "fallback"))
                variants["x\(user)"] = variant
                // The same user, the same variant.
                let again = try await client.call(
                    .post, "/v1/rank", json: #"{"user_id": "x\#(user)", "surface": "home", "k": 2}"#, token: TestServer.client)
                #expect(again.json["variant"] as? String == variant)
            }
            // Nothing was written yet: the analysis writes the buffered responses first.
            let analysis = try await client.call(.get, "/v1/experiments/home-test/analysis")
            #expect(analysis.status == .ok, "\(analysis.text)")
            let rows = try #require(analysis.json["variants"] as? [[String: Any]])
            #expect(rows.map { $0["variant"] as? String } == ["pop", "ret"])
            for row in rows {
                let name = try #require(row["variant"] as? String)
                #expect(row["users_exposed"] as? Int == variants.values.filter { $0 == name }.count)
                #expect(row["requests"] as? Int == 2 * variants.values.filter { $0 == name }.count)
            }
            #expect((rows[1]["versus_control"] as? [String: Any])?["chance_to_beat_control"] as? Double != nil)
            // The lift with users as the unit, beside the per-request z-test.
            let byUser = try #require((rows[1]["versus_control"] as? [String: Any])?["requests_by_user"] as? [String: Any])
            #expect(byUser["difference"] as? Double != nil && byUser["p_value"] as? Double != nil)
            #expect((analysis.json["sample_ratio"] as? [String: Any])?["mismatch"] as? Bool == false)
            // Twenty users are too few: the analysis says so.
            #expect((analysis.json["warnings"] as? [String])?.isEmpty == false)

            // Running: new weights are refused, nothing changes; a stop is accepted.
            let reweighted = Self.definition.replacingOccurrences(of: #""weight": 1, "overrides": {"ranker": "retrieval""#, with: #""weight": 3, "overrides": {"ranker": "retrieval""#)
            let refused = try await client.call(.put, "/v1/experiments/home-test", json: reweighted)
            #expect(refused.status == .conflict && refused.field == "variants.weight", "\(refused.text)")
            let stop = Self.definition.replacingOccurrences(of: #""salt": "s-1","#, with: #""salt": "s-1", "stop": "2020-01-01T00:00:00Z","#)
            let stopped = try await client.call(.put, "/v1/experiments/home-test", json: stop)
            #expect(stopped.json["status"] as? String == "stopped", "\(stopped.text)")
            let after = try await client.call(
                .post, "/v1/rank", json: #"{"user_id": "x1", "surface": "home", "k": 2}"#, token: TestServer.client)
            #expect(after.json["experiment"] == nil)
        }
    }

    @Test(arguments: [
        (#"{"salt": "s", "control": "a", "variants": [{"id": "a", "weight": 1}]}"#, "variants"),
        (#"{"salt": "s", "control": "c", "variants": [{"id": "a", "weight": 1}, {"id": "b", "weight": 1}]}"#, "control"),
        (#"{"salt": "s", "control": "a", "variants": [{"id": "a", "weight": -1}, {"id": "b", "weight": 1}]}"#, "variants[0].weight"),
        (#"{"salt": "s", "control": "a", "variants": [{"id": "a", "weight": 1, "overrides": {"ranker": "magic"}}, {"id": "b", "weight": 1}]}"#, "variants[0].overrides.ranker"),
        (#"{"salt": "", "control": "a", "variants": [{"id": "a", "weight": 1}, {"id": "b", "weight": 1}]}"#, "salt"),
        (#"{"control": "a", "variants": [{"id": "a", "weight": 1}, {"id": "b", "weight": 1}]}"#, "salt"),
        (#"{"salt": "s", "control": "a", "variants": [{"id": "a", "weight": 1}, {"id": "b", "weight": 1}], "start": "2026-02-01T00:00:00Z", "stop": "2026-01-01T00:00:00Z"}"#, "stop"),
    ])
    func badDefinitionsAreRefusedByField(body: String, field: String) async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let reply = try await client.call(.put, "/v1/experiments/bad", json: body)
            #expect(reply.status == .badRequest, "\(reply.text)")
            #expect(reply.field == field, "\(reply.text)")
            #expect(try await client.call(.get, "/v1/experiments/bad").status == .notFound)
        }
    }

    @Test func experimentsNeedAdminAndUnknownOnesAreNotFound() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            #expect(try await client.call(.get, "/v1/experiments", token: TestServer.client).status == .forbidden)
            #expect(try await client.call(.get, "/v1/experiments/none/analysis").status == .notFound)
            let unknownModel = #"{"salt": "s", "control": "a", "variants": [{"id": "a", "weight": 1, "overrides": {"model_version": "nope"}}, {"id": "b", "weight": 1}]}"#
            #expect(try await client.call(.put, "/v1/experiments/m", json: unknownModel).status == .notFound)
        }
    }
}
