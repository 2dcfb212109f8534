import HTTPTypes
import Hummingbird

/// Lets dashboards on other origins call the API from the browser (CORS), for the origins
/// configured and no others. Tokens travel in the Authorization header, never in cookies, so
/// credentials mode is never needed and `*` is as safe as the tokens themselves.
///
/// A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is
/// answered here, before authentication: browsers send it without the Authorization header.
struct CrossOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    /// `https://dash.example.com`, or `*` for any origin.
    let origins: [String]

    static var allowedMethods: String { "GET, POST, PUT, DELETE" }
    static var allowedHeaders: String { "Authorization, Content-Type" }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], let allowed = allowedOrigin(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = Self.allowedMethods
            response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
            response.headers[.accessControlMaxAge] = "600"
            return decorated(response, allowed)
        }
        do {
            return decorated(try await next(request, context), allowed)
        } catch let error as any HTTPResponseError {
            // A refusal (401, 400, 503…) must reach the page too, or it sees a bare network error.
            return decorated(try error.response(from: request, context: context), allowed)
        }
    }

    private func allowedOrigin(_ origin: String) -> String? {
        if origins.contains("*") { return "*" }
        return origins.contains(origin) ? origin : nil
    }

    private func decorated(_ response: Response, _ allowed: String) -> Response {
        var response = response
        response.headers[.accessControlAllowOrigin] = allowed
        response.headers[.accessControlExposeHeaders] = "Retry-After"
        if allowed != "*" { response.headers[.vary] = "Origin" }
        return response
    }
}
