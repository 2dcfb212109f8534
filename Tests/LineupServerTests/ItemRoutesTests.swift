import Foundation
import HummingbirdTesting
import Testing

@Suite struct ItemRoutesTests {
    @Test func putGetListDelete() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let created = try await client.call(.put, "/v1/items/w1", json: Body.item())
            #expect(created.status == .created)
            #expect(created.json["id"] as? String == "w1")
            #expect(created.json["active"] as? Bool == true)

            let replaced = try await client.call(
                .put, "/v1/items/w1", json: Body.item("Monthly revenue", extra: #", "embedding": [1, 0, 0, 0.5]"#))
            #expect(replaced.status == .ok)
            #expect(replaced.json["created_at"] as? String == created.json["created_at"] as? String)

            let read = try await client.call(.get, "/v1/items/w1")
            #expect(read.status == .ok)
            #expect(read.json["title"] as? String == "Monthly revenue")
            #expect(read.json["embedding"] as? [Double] == [1, 0, 0, 0.5])

            #expect(try await client.call(.delete, "/v1/items/w1").status == .noContent)
            let gone = try await client.call(.get, "/v1/items/w1")
            #expect(gone.status == .notFound)
            #expect(gone.contentType == "application/problem+json")
            #expect(try await client.call(.delete, "/v1/items/w1").status == .notFound)
        }
    }

    @Test func listingPagesThroughTheCatalog() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            for id in ["c", "a", "e", "b", "d"] {
                #expect(try await client.call(.put, "/v1/items/\(id)", json: Body.item()).status == .created)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let query = cursor.map { "&cursor=\($0)" } ?? ""
                let page = try await client.call(.get, "/v1/items?limit=2\(query)")
                #expect(page.status == .ok)
                seen += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == ["a", "b", "c", "d", "e"])

            let bad = try await client.call(.get, "/v1/items?cursor=%25%25%25")
            #expect(bad.status == .badRequest)
            #expect(bad.field == "cursor")
            let badLimit = try await client.call(.get, "/v1/items?limit=0")
            #expect(badLimit.status == .badRequest)
            #expect(badLimit.field == "limit")
        }
    }

    @Test func batchIsAllOrNothing() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let items = (1...3).map { #"{"id": "w\#($0)", "title": "KPI \#($0)", "type": "kpi"}"# }
            let first = try await client.call(.post, "/v1/items/batch", json: #"{"items": [\#(items.joined(separator: ","))]}"#)
            #expect(first.status == .ok)
            #expect(first.json["created"] as? Int == 3)
            let again = try await client.call(.post, "/v1/items/batch", json: #"{"items": [\#(items.joined(separator: ","))]}"#)
            #expect(again.json["updated"] as? Int == 3)

            let broken = [
                #"{"id": "x1", "title": "Fine", "type": "kpi"}"#,
                #"{"id": "x2", "title": "Broken", "type": "kpi", "embedding": [1, 2]}"#,
            ]
            let rejected = try await client.call(.post, "/v1/items/batch", json: #"{"items": [\#(broken.joined(separator: ","))]}"#)
            #expect(rejected.status == .badRequest)
            #expect(rejected.field == "items[1].embedding")
            #expect(try await client.call(.get, "/v1/items/x1").status == .notFound, "nothing of a rejected batch is stored")
        }
    }
}
