import Foundation
import HummingbirdTesting
import Testing

/// `POST /v1/models/train` and `GET /v1/models/train/{jobId}`: serve, log, train in the
/// background, list the new version with its metrics.
@Suite struct TrainingRoutesTests {
    func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-train-routes-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aJobTrainsOnTheLogAndRegistersTheModel() async throws {
        var server = TestServer()
        server.modelsDirectory = try directory()
        try await server.run { (client: any TestClientProtocol) async throws in
            try await RankRoutesTests.seed(client)
            // Twenty users are served and open the KPIs they were shown.
            for user in 0..<20 {
                let ranking = try await client.call(
                    .post, "/v1/rank", json: #"{"user_id": "t\#(user)", "surface": "home", "k": 3}"#, token: TestServer.client)
                let requestId = try #require(ranking.json["request_id"] as? String)
                let shown = RankRoutesTests.ids(ranking)
                let now = ISO8601DateFormatter().string(from: Date())
                let events = shown.enumerated().filter { $0.element.hasSuffix("1") }.map { index, item in
                    Body.event("t\(user)-\(index)", user: "t\(user)", item: item, type: "open", timestamp: now,
                               extra: #", "request_id": "\#(requestId)""#)
                }
                if !events.isEmpty {
                    #expect(try await client.call(.post, "/v1/events", json: Body.events(events), token: TestServer.client).status == .ok)
                }
            }
            let started = try await client.call(
                .post, "/v1/models/train", json: #"{"version": "from-api", "rounds": 5, "min_child_weight": 0, "validation_share": 0.5}"#)
            #expect(started.status == .accepted, "\(started.text)")
            let jobId = try #require(started.json["job_id"] as? String)
            #expect(started.json["state"] as? String == "running" && started.json["trigger"] as? String == "api")
            var job = started
            for _ in 0..<500 where job.json["state"] as? String == "running" {
                try await Task.sleep(for: .milliseconds(20))
                job = try await client.call(.get, "/v1/models/train/\(jobId)")
            }
            #expect(job.json["state"] as? String == "succeeded", "\(job.text)")
            #expect(job.json["version"] as? String == "from-api")
            #expect(job.json["activated"] as? Bool == false)
            #expect((job.json["progress"] as? [String: Any])?["round"] as? Int != nil)
            let card = try #require(job.json["card"] as? [String: Any])
            #expect(card["objective"] as? String == "rank:ndcg")
            // From the log, training corrects for position: the card shows the estimates.
            #expect((card["parameters"] as? [String: Any])?["lambdarank_unbiased"] as? Double == 1)
            let bias = try #require(card["position_bias"] as? [String: Any], "\(card)")
            #expect((bias["plus"] as? [Double])?.first == 1 && (bias["minus"] as? [Double])?.first == 1)
            #expect(card["pair_method"] as? String == "topk")

            let models = try await client.call(.get, "/v1/models")
            let listed = try #require((models.json["models"] as? [[String: Any]])?.first { $0["version"] as? String == "from-api" })
            #expect(listed["status"] as? String == "ready")
            let metrics = try #require(listed["metrics"] as? [String: Any])
            #expect(metrics["validation_metric"] as? String == "ndcg@5")
            #expect(metrics["best_round"] as? Int != nil)

            // Asked not to correct, with mean pairs: no estimates in the card.
            let biased = try await client.call(
                .post, "/v1/models/train",
                json: #"{"version": "biased", "rounds": 3, "min_child_weight": 0, "validation_share": 0.5, "unbiased": false, "pair_method": "mean", "pairs_per_sample": 2}"#)
            let biasedId = try #require(biased.json["job_id"] as? String, "\(biased.text)")
            var biasedJob = biased
            for _ in 0..<500 where biasedJob.json["state"] as? String == "running" {
                try await Task.sleep(for: .milliseconds(20))
                biasedJob = try await client.call(.get, "/v1/models/train/\(biasedId)")
            }
            let biasedCard = try #require(biasedJob.json["card"] as? [String: Any], "\(biasedJob.text)")
            #expect(biasedCard["position_bias"] == nil && biasedCard["pair_method"] as? String == "mean")
            #expect((biasedCard["parameters"] as? [String: Any])?["lambdarank_num_pair_per_sample"] as? Double == 2)

            // The same version again is a conflict, and nothing starts.
            let again = try await client.call(.post, "/v1/models/train", json: #"{"version": "from-api", "rounds": 1}"#)
            #expect(again.status == .conflict && again.field == "version", "\(again.text)")
            // A job that fails says why: here, a window with no logged response.
            let empty = try await client.call(
                .post, "/v1/models/train", json: #"{"from": "2020-01-01T00:00:00Z", "to": "2020-01-02T00:00:00Z"}"#)
            let emptyId = try #require(empty.json["job_id"] as? String)
            var failed = empty
            for _ in 0..<500 where failed.json["state"] as? String == "running" {
                try await Task.sleep(for: .milliseconds(20))
                failed = try await client.call(.get, "/v1/models/train/\(emptyId)")
            }
            #expect(failed.json["state"] as? String == "failed")
            #expect((failed.json["error"] as? String)?.contains("no logged response") == true, "\(failed.text)")
        }
    }

    @Test(arguments: [
        (#"{"max_depth": 0}"#, "max_depth"), (#"{"rounds": "many"}"#, "rounds"), (#"{"learning_rate": 2}"#, "learning_rate"),
        (#"{"validation_share": 1}"#, "validation_share"), (#"{"version": "a b"}"#, "version"),
        (#"{"objective": "reg:squarederror"}"#, "objective"), (#"{"epochs": 3}"#, "epochs"),
        (#"{"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}"#, "to"),
        (#"{"pair_method": "all"}"#, "pair_method"), (#"{"pairs_per_sample": 0}"#, "pairs_per_sample"),
        (#"{"unbiased": "yes"}"#, "unbiased"), (#"{"bias_norm": -1}"#, "bias_norm"),
    ])
    func badTrainingRequestsNameTheField(_ body: String, _ field: String) async throws {
        var server = TestServer()
        server.modelsDirectory = try directory()
        try await server.run { (client: any TestClientProtocol) async throws in
            let reply = try await client.call(.post, "/v1/models/train", json: body)
            #expect(reply.status == .badRequest, "\(reply.text)")
            #expect(reply.contentType == "application/problem+json")
            #expect(reply.field == field, "\(reply.text)")
            #expect(try await client.call(.post, "/v1/models/train", json: body, token: TestServer.client).status == .forbidden)
        }
    }

    @Test func anUnknownJobIsNotFound() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let reply = try await client.call(.get, "/v1/models/train/0190-unknown")
            #expect(reply.status == .notFound && reply.contentType == "application/problem+json")
        }
    }
}
