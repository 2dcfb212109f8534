import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem-details response: what went wrong, and which field of the request
/// caused it, as `application/problem+json`.
public struct Problem: Error, HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var detail: String
    /// The request field at fault as a path (`events[3].timestamp`), when one is.
    public var field: String?
    public var type: String
    /// Seconds after which a retry may succeed (503 while the database is unavailable).
    public var retryAfter: Int?

    public init(
        _ status: HTTPResponse.Status, _ detail: String, field: String? = nil, type: String = "about:blank", retryAfter: Int? = nil
    ) {
        self.status = status
        self.detail = detail
        self.field = field
        self.type = type
        self.retryAfter = retryAfter
    }

    public var body: Body {
        Body(type: type, title: status.reasonPhrase, status: status.code, detail: detail, field: field)
    }

    /// The JSON document, as RFC 9457 names its members.
    public struct Body: Codable, Sendable, Equatable {
        public var type: String
        public var title: String
        public var status: Int
        public var detail: String?
        public var field: String?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }
}
