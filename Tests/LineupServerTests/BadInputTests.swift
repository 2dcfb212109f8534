import Foundation
import HTTPTypes
import HummingbirdTesting
import LineupServer
import Testing

/// Every kind of bad input gets a 4xx problem+json naming the field, and changes nothing.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPRequestMethod
        var uri: String
        var body: String?
        var status: Int
        var field: String
        var contentType = "application/json"
        var testDescription: String { name }
    }

    enum HTTPRequestMethod: Sendable { case put, post, get }

    static let longId = String(repeating: "x", count: 129)
    static let longUtf8Id = String(repeating: "é", count: 65)  // 65 characters, 130 bytes

    static let cases: [Case] = [
        Case(name: "unknown field", method: .put, uri: "/v1/items/w1", body: Body.item(extra: #", "colour": "red""#),
             status: 400, field: "colour"),
        Case(name: "wrong type", method: .put, uri: "/v1/items/w1", body: #"{"title": 42, "type": "kpi"}"#,
             status: 400, field: "title"),
        Case(name: "missing required field", method: .put, uri: "/v1/items/w1", body: #"{"type": "kpi"}"#,
             status: 400, field: "title"),
        Case(name: "id over 128 bytes", method: .put, uri: "/v1/items/\(longId)", body: Body.item(),
             status: 400, field: "itemId"),
        Case(name: "id over 128 bytes of UTF-8", method: .put, uri: "/v1/users/\(longUtf8Id)", body: "{}",
             status: 400, field: "userId"),
        Case(name: "embedding of the wrong dimension", method: .put, uri: "/v1/items/w1",
             body: Body.item(extra: #", "embedding": [1, 2, 3]"#), status: 400, field: "embedding"),
        Case(name: "embedding overflowing Float32 to infinity", method: .put, uri: "/v1/items/w1",
             body: Body.item(extra: #", "embedding": [0, 1e40, 0, 1]"#), status: 400, field: "embedding[1]"),
        Case(name: "number beyond any float", method: .put, uri: "/v1/items/w1",
             body: Body.item(extra: #", "embedding": [1e999, 0, 0, 1]"#), status: 400, field: "body"),
        Case(name: "NaN is not JSON", method: .put, uri: "/v1/items/w1",
             body: Body.item(extra: #", "embedding": [NaN, 0, 0, 1]"#), status: 400, field: "body"),
        Case(name: "body id differs from path", method: .put, uri: "/v1/items/w1",
             body: Body.item(extra: #", "id": "w2""#), status: 400, field: "id"),
        Case(name: "unknown event type", method: .post, uri: "/v1/events",
             body: Body.events([Body.event("e1"), Body.event("e2", type: "teleport")]), status: 400, field: "events[1].type"),
        Case(name: "timestamp far in the future", method: .post, uri: "/v1/events",
             body: Body.events([Body.event("e1", timestamp: "2999-01-01T00:00:00Z")]), status: 400,
             field: "events[0].timestamp"),
        Case(name: "timestamp that is not a date", method: .post, uri: "/v1/events",
             body: Body.events([Body.event("e1", timestamp: "yesterday")]), status: 400, field: "events[0].timestamp"),
        Case(name: "event id over 128 bytes", method: .post, uri: "/v1/events",
             body: Body.events([Body.event(longId)]), status: 400, field: "events[0].event_id"),
        Case(name: "empty event batch", method: .post, uri: "/v1/events", body: #"{"events": []}"#,
             status: 400, field: "events"),
        Case(name: "batch over the limit", method: .post, uri: "/v1/events",
             body: Body.events((0...10_000).map { Body.event("e\($0)") }), status: 400, field: "events"),
        Case(name: "malformed JSON", method: .post, uri: "/v1/events", body: #"{"events": [{"event_id": "#,
             status: 400, field: "body"),
        Case(name: "unknown time zone", method: .put, uri: "/v1/users/u1", body: #"{"timezone": "Mars/Olympus"}"#,
             status: 400, field: "timezone"),
        Case(name: "not JSON content type", method: .post, uri: "/v1/events", body: "events=1", status: 415,
             field: "Content-Type", contentType: "application/x-www-form-urlencoded"),
        Case(name: "limit that is not a number", method: .get, uri: "/v1/items?limit=many", body: nil,
             status: 400, field: "limit"),
    ]

    @Test(arguments: cases)
    func isRejectedWithAProblemNamingTheField(_ testCase: Case) async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let method: HTTPTypes.HTTPRequest.Method = switch testCase.method {
            case .put: .put
            case .post: .post
            case .get: .get
            }
            let reply = try await client.call(method, testCase.uri, json: testCase.body, contentType: testCase.contentType)
            #expect(reply.status.code == testCase.status, "\(reply.text)")
            #expect(reply.contentType == "application/problem+json")
            #expect(reply.field == testCase.field, "\(reply.text)")
            #expect(reply.json["title"] is String && reply.json["detail"] is String)

            // Nothing changed.
            #expect(try await client.call(.get, "/v1/items/w1").status == .notFound)
            #expect(try await client.call(.get, "/v1/users/u1/export").status == .notFound)
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        var server = TestServer()
        server.configuration.maxBodyBytes = 2048
        try await server.run { (client: any TestClientProtocol) async throws in
            let body = Body.events((0..<50).map { Body.event("e\($0)") })
            let reply = try await client.call(.post, "/v1/events", json: body)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.contentType == "application/problem+json")
            #expect(reply.field == "body")
        }
    }

    @Test func unknownRouteIsAProblemToo() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let reply = try await client.call(.get, "/v1/nothing-here")
            #expect(reply.status == .notFound)
            #expect(reply.contentType == "application/problem+json")
        }
    }
}
