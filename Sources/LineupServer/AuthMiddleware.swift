import HTTPTypes
import Hummingbird

/// Bearer-token authentication with two scopes. Without configured tokens it lets every
/// request through; the server then refuses to bind beyond loopback.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: [(token: [UInt8], scope: Scope)]

    init(clientTokens: [String], adminTokens: [String]) {
        tokens = clientTokens.map { (Array($0.utf8), .client) } + adminTokens.map { (Array($0.utf8), .admin) }
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard !tokens.isEmpty, let required = Scope.required(forPath: request.uri.path) else {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw Problem(.unauthorized, "This endpoint needs an 'Authorization: Bearer <token>' header.", field: "Authorization")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem(.unauthorized, "Only bearer tokens are accepted.", field: "Authorization")
        }
        guard let granted = scope(of: Array(parts[1].utf8)) else {
            throw Problem(.unauthorized, "The bearer token is not valid.", field: "Authorization")
        }
        guard granted >= required else {
            throw Problem(.forbidden, "This endpoint needs an \(required.rawValue) token; this one is a \(granted.rawValue) token.", field: "Authorization")
        }
        return try await next(request, context)
    }

    /// The best scope among matching tokens, compared in constant time so response timing
    /// does not reveal how much of a token was right.
    private func scope(of candidate: [UInt8]) -> Scope? {
        var best: Scope?
        for entry in tokens where Self.constantTimeEqual(entry.token, candidate) {
            best = max(best ?? entry.scope, entry.scope)
        }
        return best
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }
}
