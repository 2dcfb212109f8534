import Foundation
import HummingbirdTesting
import LineupAPI
import LineupCore
@testable import LineupServer
import Testing

@Suite struct OperationsTests {
    @Test func healthReadinessAndMetrics() async throws {
        try await TestServer().run { (client: any TestClientProtocol) async throws in
            let health = try await client.call(.get, "/healthz", token: nil)
            #expect(health.json["status"] as? String == "ok")
            let ready = try await client.call(.get, "/readyz", token: nil)
            #expect(ready.json["status"] as? String == "ready")

            _ = try await client.call(.post, "/v1/events", json: Body.events([Body.event("m1"), Body.event("m2")]))
            let metrics = try await client.call(.get, "/metrics", token: nil)
            #expect(metrics.status == .ok)
            #expect(metrics.contentType?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains("lineup_events_ingested_total"))
            #expect(metrics.text.contains("lineup_store_rows"))
            #expect(metrics.text.contains("lineup_store_bytes"))
            #expect(metrics.text.contains("hb_requests"))
            #expect(metrics.text.contains(#"http_route="/v1/events""#) || metrics.text.contains("/v1/events"))
            #expect(metrics.text.contains("http_server_request_duration"))
        }
    }
}

@Suite struct EventTypeMappingTests {
    @Test func everyEventTypeOfTheSpecIsKnownAndBack() {
        for type in LineupCore.EventType.allCases {
            #expect(LineupCore.EventType(Components.Schemas.EventType(type)) == type)
        }
        #expect(Components.Schemas.EventType.allCases.count == LineupCore.EventType.allCases.count)
    }
}
