import HTTPTypes
import Hummingbird

/// Refuses bodies over the configured size before anything parses them, so one oversized
/// request cannot exhaust memory. The generated layer itself buffers without a limit.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw tooLarge
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: maxBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        }
        return try await next(request, context)
    }

    private var tooLarge: Problem {
        Problem(.contentTooLarge, "The request body is larger than \(maxBytes) bytes.", field: "body")
    }
}
