import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The pages and lineup.js are files served beside the API, with a Content-Security-Policy
/// and an ETag; the demo dashboard only when it is turned on.
@Suite struct WebRoutesTests {
    @Test func theSDKIsServedAsJavaScriptWithItsPolicy() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let response = try await client.execute(uri: "/sdk/lineup.js", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"))
            #expect(!policy.contains("unsafe-inline"))
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            let etag = try #require(response.headers[.eTag])
            let again = try await client.execute(uri: "/sdk/lineup.js", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(try await client.execute(uri: "/sdk/lineup.d.ts", method: .get).status == .ok)
        }
    }

    @Test func theDemoDashboardIsOffUnlessTurnedOn() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let off = try await client.call(.get, "/demo", token: nil)
            #expect(off.status == .notFound)
            #expect(off.contentType == "application/problem+json")
            #expect((off.json["detail"] as? String)?.contains("--demo") == true)
        }
        var server = TestServer()
        server.configuration.demoUI = true
        try await server.run { (client: any TestClientProtocol) async throws in
            let on = try await client.call(.get, "/demo", token: nil)
            #expect(on.status == .ok)
            #expect(on.contentType == "text/html; charset=utf-8")
        }
    }

    @Test func theConsoleNeedsNoTokenToLoadButItsDataDoes() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let page = try await client.call(.get, "/console", token: nil)
            #expect(page.status == .ok)
            #expect(page.text.contains("<html"))
            #expect(try await client.call(.get, "/v1/models", token: nil).status == .unauthorized)
        }
    }

    @Test func aMissingFileIsAProblem() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let missing = try await client.call(.get, "/ui/nothing.css", token: nil)
            #expect(missing.status == .notFound)
            #expect(missing.contentType == "application/problem+json")
        }
    }

    /// A dashboard on another origin imports lineup.js and calls the API, when its origin
    /// is configured; other origins get no CORS headers, so their browsers refuse.
    @Test func configuredOriginsMayCallTheAPIFromABrowser() async throws {
        var server = TestServer()
        server.configuration.corsOrigins = ["https://dash.example.com"]
        try await server.run { (client: any TestClientProtocol) async throws in
            let preflight = try await client.execute(
                uri: "/v1/rank", method: .options,
                headers: [.origin: "https://dash.example.com", .accessControlRequestMethod: "POST",
                          .accessControlRequestHeaders: "authorization, content-type"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://dash.example.com")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)

            let refused = try await client.execute(
                uri: "/v1/rank", method: .post,
                headers: [.origin: "https://dash.example.com", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"user_id": "u1", "surface": "home"}"#))
            #expect(refused.status == .unauthorized, "a token is still needed")
            #expect(refused.headers[.accessControlAllowOrigin] == "https://dash.example.com", "and the page can read why")
            #expect(refused.headers[.accessControlExposeHeaders] == "Retry-After")

            let other = try await client.execute(
                uri: "/v1/rank", method: .post,
                headers: [.origin: "https://evil.example", .authorization: "Bearer \(TestServer.client)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"user_id": "u1", "surface": "home"}"#))
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let sdk = try await client.execute(uri: "/sdk/lineup.js", method: .get, headers: [.origin: "https://any.example"])
            #expect(sdk.headers[.accessControlAllowOrigin] == "*")
            let api = try await client.execute(uri: "/v1/models", method: .get, headers: [.origin: "https://any.example"])
            #expect(api.headers[.accessControlAllowOrigin] == nil, "no origins configured: same origin only")
        }
    }
}
