import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LineupAnalysis
import LineupEngine
import LineupModels
import LineupSQLite
import LineupServer

/// A Lineup application on an in-memory (or given) store, driven in process, composed as
/// `lineup serve` composes it: one store, one model registry, the engine and the analysis.
struct TestServer {
    var configuration = Server.Configuration(clientTokens: ["client-secret"], adminTokens: ["admin-secret"])
    var engineConfiguration = Engine.Configuration(embeddingDimension: 4)
    var databasePath: String?
    var modelsDirectory: String?
    var activeModel: String?

    static let admin = "admin-secret"
    static let client = "client-secret"

    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await run { client, _ in try await body(client) }
    }

    /// Also hands the body the engine, for what a service would do between requests (write
    /// the impression log).
    func run(_ body: @Sendable (any TestClientProtocol, Engine) async throws -> Void) async throws {
        let store = try databasePath.map { try SQLiteStore(configuration: .init(path: $0)) } ?? SQLiteStore()
        let models = ModelRegistry(directory: modelsDirectory, schema: OnlineFeatures.schema)
        let engine = Engine(configuration: engineConfiguration, store: store, models: models)
        let analysis = Analysis(
            configuration: Analysis.Configuration(layouts: engineConfiguration.layouts, schema: OnlineFeatures.schema), store: store,
            models: models, pendingWrites: { await engine.impressions.flush() })
        try await engine.warmUp()
        models.load(activating: activeModel)
        let server = Server(configuration: configuration, engine: engine, analysis: analysis)
        let application = Application(router: try server.makeRouter())
        try await application.test(.router) { client in try await body(client, engine) }
    }
}

/// What a test needs from a response: status, content type and the JSON body.
struct Reply {
    var status: HTTPResponse.Status
    var contentType: String?
    var text: String
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
    /// The `field` of a problem+json body.
    var field: String? { json["field"] as? String }
}
extension TestClientProtocol {
    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, token: String? = TestServer.admin,
        contentType: String = "application/json"
    ) async throws -> Reply {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = contentType }
        let response = try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        return Reply(
            status: response.status, contentType: response.headers[.contentType],
            text: String(buffer: response.body))
    }
}

/// Builders of request bodies, so tests read as what they send.
enum Body {
    static func item(_ title: String = "Weekly revenue by region", extra: String = "") -> String {
        #"{"title": "\#(title)", "type": "chart", "tags": ["sales", "revenue"]\#(extra)}"#
    }

    static func event(_ id: String, user: String = "u1", item: String = "w1", type: String = "click",
                      timestamp: String = "2026-01-05T10:00:00Z", extra: String = "") -> String {
        #"{"event_id": "\#(id)", "user_id": "\#(user)", "item_id": "\#(item)", "type": "\#(type)", "timestamp": "\#(timestamp)", "context": {"device": "mobile"}\#(extra)}"#
    }

    static func events(_ events: [String]) -> String {
        #"{"events": [\#(events.joined(separator: ","))]}"#
    }
}
