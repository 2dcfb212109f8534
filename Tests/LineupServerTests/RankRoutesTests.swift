import Foundation
import HummingbirdTesting
import LineupEngine
import Testing

@Suite struct RankRoutesTests {
    static let items = [
        #"{"id": "x1", "title": "Revenue", "type": "kpi", "embedding": [1, 0.1, 0, 0]}"#,
        #"{"id": "x2", "title": "Revenue by region", "type": "chart", "embedding": [1, 0, 0.1, 0]}"#,
        #"{"id": "y1", "title": "Churn", "type": "kpi", "embedding": [0, 1, 0, 0]}"#,
        #"{"id": "z1", "title": "Uptime", "type": "kpi", "embedding": [0, 0, 0, 1]}"#,
    ]

    static func seed(_ client: any TestClientProtocol) async throws {
        _ = try await client.call(.post, "/v1/items/batch", json: #"{"items": [\#(items.joined(separator: ","))]}"#)
        let now = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3_600))
        _ = try await client.call(
            .post, "/v1/events",
            json: Body.events([
                Body.event("e1", item: "x2", type: "open", timestamp: now),
                Body.event("e2", item: "z1", type: "pin", timestamp: now),
                Body.event("e3", item: "y1", type: "hide", timestamp: now),
            ]))
    }

    static func ids(_ reply: Reply) -> [String] {
        (reply.json["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
    }

    /// A model file in XGBoost's JSON layout over schema v1: one split on
    /// `user_opens_7d`, so widgets the user opened come first.
    static func modelJSON(names: [String] = OnlineFeatures.schema.names) -> String {
        let split = OnlineFeatures.schema.index(of: "user_opens_7d")!
        let quoted = names.map { "\"\($0)\"" }.joined(separator: ",")
        return """
            {"learner": {"feature_names": [\(quoted)], "feature_types": [],
              "gradient_booster": {"name": "gbtree", "model": {"gbtree_model_param": {"num_parallel_tree": "1", "num_trees": "1"},
                "tree_info": [0], "trees": [{"left_children": [1, -1, -1], "right_children": [2, -1, -1],
                "split_indices": [\(split), 0, 0], "split_conditions": [0.5, -1.0, 1.0], "default_left": [1, 0, 0],
                "sum_hessian": [10.0, 8.0, 2.0], "split_type": [0, 0, 0], "categories": [],
                "tree_param": {"num_nodes": "3", "size_leaf_vector": "1", "num_feature": "\(names.count)"}}]}},
              "learner_model_param": {"base_score": "[5E-1]", "num_class": "0", "num_feature": "\(names.count)", "num_target": "1"},
              "objective": {"name": "binary:logistic"}}, "version": [3, 2, 0]}
            """
    }

    @Test func rankServesTheFallbackWithControls() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            try await Self.seed(client)
            let reply = try await client.call(
                .post, "/v1/rank", json: #"{"user_id": "u1", "surface": "home", "k": 3, "context": {"device": "mobile"}}"#,
                token: TestServer.client)
            #expect(reply.status == .ok)
            #expect(reply.json["ranker"] as? String == "fallback")
            #expect((reply.json["request_id"] as? String)?.count == 36)
            let ids = Self.ids(reply)
            #expect(ids.first == "z1", "pinned first")
            #expect(!ids.contains("y1"), "hidden never")
            #expect(ids.count == 3)

            let restricted = try await client.call(
                .post, "/v1/rank", json: #"{"user_id": "u1", "surface": "home", "candidates": ["x1", "y1"]}"#,
                token: TestServer.client)
            #expect(Self.ids(restricted) == ["x1"])
        }
    }

    @Test(arguments: [
        (#"{"user_id": "u1", "surface": "home", "k": 0}"#, "k"),
        (#"{"user_id": "u1", "surface": "home", "k": "ten"}"#, "k"),
        (#"{"user_id": "", "surface": "home"}"#, "user_id"),
        (#"{"user_id": "u1"}"#, "surface"),
        (#"{"user_id": "u1", "surface": "home", "candidates": ["a", ""]}"#, "candidates[1]"),
        (#"{"user_id": "u1", "surface": "home", "explain": "yes"}"#, "explain"),
        (#"{"user_id": "u1", "surface": "home", "limit": 3}"#, "limit"),
    ])
    func badRankRequestsNameTheField(_ body: String, _ field: String) async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let reply = try await client.call(.post, "/v1/rank", json: body, token: TestServer.client)
            #expect(reply.status == .badRequest)
            #expect(reply.contentType == "application/problem+json")
            #expect(reply.field == field)
        }
    }

    @Test func modelsAreListedActivatedAndRolledBack() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-models-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.modelJSON().write(to: directory.appendingPathComponent("opened.json"), atomically: true, encoding: .utf8)
        try #"{"schema_version": 1, "note": "test"}"#.write(
            to: directory.appendingPathComponent("opened.card.json"), atomically: true, encoding: .utf8)
        var names = OnlineFeatures.schema.names
        names[0] = "cosine"
        try Self.modelJSON(names: names).write(to: directory.appendingPathComponent("old.json"), atomically: true, encoding: .utf8)

        var server = TestServer()
        server.modelsDirectory = directory.path
        server.activeModel = "opened"
        try await server.run { (client: any TestClientProtocol) async throws in
            try await Self.seed(client)
            let list = try await client.call(.get, "/v1/models")
            #expect(list.status == .ok)
            #expect(list.json["active"] as? String == "opened")
            let models = list.json["models"] as? [[String: Any]] ?? []
            #expect(models.map { $0["version"] as? String } == ["old", "opened"])
            #expect(models.first?["status"] as? String == "rejected")
            #expect((models.first?["reason"] as? String)?.contains("cosine") == true)
            #expect((models.last?["card"] as? [String: Any])?["note"] as? String == "test")

            let ranked = try await client.call(
                .post, "/v1/rank", json: #"{"user_id": "u1", "surface": "home", "k": 2, "explain": true}"#)
            #expect(ranked.json["ranker"] as? String == "two_stage")
            #expect(ranked.json["model_version"] as? String == "opened")
            #expect(Self.ids(ranked) == ["z1", "x2"], "the pin, then the opened widget")
            let second = (ranked.json["items"] as? [[String: Any]])?.last
            #expect((second?["reason"] as? String)?.hasPrefix("Because you opened") == true)

            let rejected = try await client.call(.put, "/v1/models/active", json: #"{"version": "old"}"#)
            #expect(rejected.status == .unprocessableContent)
            #expect(rejected.field == "version")
            #expect(try await client.call(.put, "/v1/models/active", json: #"{"version": "nope"}"#).status == .notFound)
            #expect(try await client.call(.get, "/v1/models").json["active"] as? String == "opened", "refusals change nothing")

            let off = try await client.call(.put, "/v1/models/active", json: #"{"version": null}"#)
            #expect(off.status == .ok)
            #expect(off.json["active"] == nil)
            let fallback = try await client.call(.post, "/v1/rank", json: #"{"user_id": "u1", "surface": "home"}"#)
            #expect(fallback.json["ranker"] as? String == "fallback")
            #expect(try await client.call(.put, "/v1/models/active", json: #"{"version": "opened"}"#).json["active"] as? String == "opened")
            #expect(try await client.call(.put, "/v1/models/active", json: #"{"version": "opened"}"#, token: TestServer.client).status == .forbidden)
        }
    }
}
