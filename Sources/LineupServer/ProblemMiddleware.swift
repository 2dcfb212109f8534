import Hummingbird
import Logging

/// Turns every error a request raises into a problem+json response, so no client sees a
/// stack of framework text and every 5xx is logged as the bug it is.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem(from: error)
            if problem.status == .serviceUnavailable {
                context.logger.warning("request refused: \(problem.detail)", metadata: ["path": "\(request.uri.path)"])
            } else if problem.status.kind == .serverError {
                context.logger.error(
                    "request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
