import Foundation
import HummingbirdTesting
import LineupEngine
import Testing

/// The layout routes: configure arms, get them in rank responses, watch and steer the
/// bandit, evaluate it off-policy; and bad input named by field.
@Suite struct LayoutRoutesTests {
    static let layouts = #"""
        {"layouts": [
          {"id": "grid-3", "name": "Three columns", "params": {"columns": 3}},
          {"id": "list", "name": "List", "params": {"columns": 1, "density": "comfortable"}}
        ]}
        """#

    @Test func layoutsAreServedRewardedShownAndEvaluated() async throws {
        try await TestServer().run { (client: any TestClientProtocol, engine: Engine) async throws in
            try await RankRoutesTests.seed(client)
            let put = try await client.call(.put, "/v1/surfaces/home/layouts", json: Self.layouts)
            #expect(put.status == .ok, "\(put.text)")
            #expect((put.json["layouts"] as? [[String: Any]])?.map { $0["id"] as? String } == ["grid-3", "list"])
            #expect(try await client.call(.get, "/v1/surfaces/home/layouts").json["surface"] as? String == "home")

            let ranking = try await client.call(
                .post, "/v1/rank", json: #"{"user_id": "u1", "surface": "home", "k": 2, "context": {"device": "mobile"}}"#,
                token: TestServer.client)
            let layout = try #require(ranking.json["layout"] as? [String: Any], "\(ranking.text)")
            let arm = try #require(layout["arm"] as? String)
            #expect(["grid-3", "list"].contains(arm))
            let propensity = try #require(layout["propensity"] as? Double)
            #expect(abs(propensity - 0.5) < 0.01)
            #expect(layout["params"] as? [String: Any] != nil)
            // A surface without layouts answers without one.
            let plain = try await client.call(
                .post, "/v1/rank", json: #"{"user_id": "u1", "surface": "other", "k": 2}"#, token: TestServer.client)
            #expect(plain.json["layout"] == nil)

            // The flusher's turn: the decision is logged. Then the user opens a widget, and
            // the layout is rewarded at once (an event that comes before its decision is
            // logged is rewarded when its window closes).
            await engine.impressions.flush()
            let requestId = try #require(ranking.json["request_id"] as? String)
            let item = try #require(RankRoutesTests.ids(ranking).first)
            let now = ISO8601DateFormatter().string(from: Date())
            let events = Body.events([
                Body.event("l1", user: "u1", item: item, type: "open", timestamp: now, extra: #", "request_id": "\#(requestId)""#)
            ])
            #expect(try await client.call(.post, "/v1/events", json: events, token: TestServer.client).status == .ok)
            let bandit = try await client.call(.get, "/v1/surfaces/home/bandit")
            #expect(bandit.status == .ok, "\(bandit.text)")
            let segments = try #require(bandit.json["segments"] as? [[String: Any]])
            #expect(segments.map { $0["segment"] as? String } == ["", "device=mobile,role="])
            let arms = try #require(segments[0]["arms"] as? [[String: Any]])
            #expect(arms.first { $0["arm"] as? String == arm }?["successes"] as? Double == 1)
            let best = arms.compactMap { $0["probability_best"] as? Double }.reduce(0, +)
            #expect(abs(best - 1) < 1e-9)

            let evaluation = try await client.call(.get, "/v1/eval/layouts?surface=home")
            #expect(evaluation.status == .ok, "\(evaluation.text)")
            let surfaces = try #require(evaluation.json["surfaces"] as? [[String: Any]])
            #expect(surfaces.first?["decisions"] as? Int == 1)
            let policies = try #require(surfaces.first?["policies"] as? [[String: Any]])
            #expect(policies.map { $0["policy"] as? String } == ["always:grid-3", "always:list", "uniform", "greedy"])
            #expect((policies[0]["estimate"] as? [String: Any])?["ips_lower"] as? Double != nil)

            // Frozen: the best posterior mean, propensity 1.
            let frozen = try await client.call(.put, "/v1/surfaces/home/bandit", json: #"{"frozen": true}"#)
            #expect(frozen.json["frozen"] as? Bool == true)
            let exploit = try await client.call(
                .post, "/v1/rank", json: #"{"user_id": "u2", "surface": "home", "k": 2}"#, token: TestServer.client)
            #expect((exploit.json["layout"] as? [String: Any])?["arm"] as? String == arm)
            #expect((exploit.json["layout"] as? [String: Any])?["propensity"] as? Double == 1)
            let reset = try await client.call(.post, "/v1/surfaces/home/bandit/reset")
            #expect(reset.status == .ok)
            let resetArms = (reset.json["segments"] as? [[String: Any]])?.first?["arms"] as? [[String: Any]] ?? []
            #expect(resetArms.allSatisfy { $0["successes"] as? Double == 0 })
        }
    }

    @Test(arguments: [
        (#"{"layouts": [{"id": "", "name": "x"}]}"#, "layouts[0].id"),
        (#"{"layouts": [{"id": "a", "name": ""}]}"#, "layouts[0].name"),
        (#"{"layouts": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}"#, "layouts[1].id"),
        (#"{"layouts": [{"id": "a"}]}"#, "layouts[0].name"),
        (#"{"layouts": [{"id": "a", "name": "A", "params": [1]}]}"#, "layouts[0].params"),
        (#"{"arms": []}"#, "layouts"),
    ])
    func badLayoutsAreRefusedByField(body: String, field: String) async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let reply = try await client.call(.put, "/v1/surfaces/home/layouts", json: body)
            #expect(reply.status == .badRequest, "\(reply.text)")
            #expect(reply.field == field, "\(reply.text)")
            #expect(try await client.call(.get, "/v1/surfaces/home/layouts").status == .notFound)
        }
    }

    @Test func surfacesAreListedInIdOrder() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            #expect((try await client.call(.get, "/v1/surfaces").json["surfaces"] as? [Any])?.isEmpty == true)
            for surface in ["home", "area"] {
                #expect(try await client.call(.put, "/v1/surfaces/\(surface)/layouts", json: Self.layouts).status == .ok)
            }
            let listed = try await client.call(.get, "/v1/surfaces").json["surfaces"] as? [[String: Any]]
            #expect(listed?.compactMap { $0["surface"] as? String } == ["area", "home"])
            #expect((listed?.first?["layouts"] as? [[String: Any]])?.count == 2)
            #expect(try await client.call(.get, "/v1/surfaces", token: TestServer.client).status == .forbidden)
        }
    }

    @Test func retiredLayoutsStayRetiredAndRoutesNeedAdmin() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            _ = try await client.call(.put, "/v1/surfaces/home/layouts", json: Self.layouts)
            let retire = try await client.call(.put, "/v1/surfaces/home/layouts", json: #"{"layouts": [{"id": "list", "name": "List"}]}"#)
            #expect((retire.json["layouts"] as? [[String: Any]])?.map { $0["retired"] as? Bool } == [true, false])
            let back = try await client.call(.put, "/v1/surfaces/home/layouts", json: Self.layouts)
            #expect(back.status == .conflict && back.field == "layouts[0].id", "\(back.text)")
            #expect(try await client.call(.get, "/v1/surfaces/home/layouts", token: TestServer.client).status == .forbidden)
            #expect(try await client.call(.get, "/v1/surfaces/home/bandit", token: nil).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/surfaces/nowhere/bandit").status == .notFound)
            #expect(try await client.call(.post, "/v1/surfaces/nowhere/bandit/reset").status == .notFound)
            let bad = try await client.call(.put, "/v1/surfaces/home/bandit", json: #"{"frozen": "yes"}"#)
            #expect(bad.status == .badRequest && bad.field == "frozen", "\(bad.text)")
        }
    }
}
