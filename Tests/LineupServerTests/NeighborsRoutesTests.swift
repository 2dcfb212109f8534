import Foundation
import HummingbirdTesting
import Testing

@Suite struct NeighborsRoutesTests {
    @Test func neighborsFollowEngagementsAndCandidates() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let items = [
                #"{"id": "x1", "title": "X1", "type": "kpi", "embedding": [1, 0.1, 0, 0]}"#,
                #"{"id": "x2", "title": "X2", "type": "kpi", "embedding": [1, 0, 0.1, 0]}"#,
                #"{"id": "y1", "title": "Y1", "type": "kpi", "embedding": [0, 1, 0, 0]}"#,
            ]
            _ = try await client.call(.post, "/v1/items/batch", json: #"{"items": [\#(items.joined(separator: ","))]}"#)

            let cold = try await client.call(.get, "/v1/users/u1/neighbors?k=2")
            #expect(cold.status == .ok)
            #expect(cold.json["source"] as? String == "popularity")

            _ = try await client.call(.post, "/v1/events", json: Body.events([Body.event("e1", item: "x1")]))
            let warm = try await client.call(.get, "/v1/users/u1/neighbors?k=2")
            #expect(warm.json["source"] as? String == "personal")
            let ids = (warm.json["items"] as? [[String: Any]] ?? []).compactMap { $0["item_id"] as? String }
            #expect(ids == ["x1", "x2"])

            let badK = try await client.call(.get, "/v1/users/u1/neighbors?k=lots")
            #expect(badK.status == .badRequest)
            #expect(badK.field == "k")
            #expect(try await client.call(.get, "/v1/users/u1/neighbors?k=0").field == "k")
            #expect(try await client.call(.get, "/v1/users/u1/neighbors", token: TestServer.client).status == .forbidden)
        }
    }
}
