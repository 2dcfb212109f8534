import Foundation
import HTTPTypes
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
}
