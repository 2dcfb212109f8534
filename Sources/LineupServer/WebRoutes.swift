import HTTPTypes
import Hummingbird
import LineupWeb

/// The files beside the API: lineup.js at `/sdk/`, the demo dashboard at `/demo` (when
/// enabled), the operator console at `/console`, and what both pages share at `/ui/`.
/// openapi.yaml describes the API; these are files, so they are routed here by hand.
///
/// Every answer carries a Content-Security-Policy that allows only this origin's scripts,
/// styles and API (no inline script, no CDN, no external font), and an ETag, so a reload
/// costs a 304.
struct WebRoutes {
    let assets: WebAssets
    let demo: Bool

    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
        "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    func register(on router: Router<BasicRequestContext>) {
        router.get("/sdk/:file") { request, context in try serve("sdk", context, request) }
        router.get("/ui/:file") { request, context in try serve("ui", context, request) }
        router.get("/console") { request, _ in try respond("console/index.html", request) }
        router.get("/console/:file") { request, context in try serve("console", context, request) }
        router.get("/demo") { request, _ in try demoPage("demo/index.html", request) }
        router.get("/demo/:file") { request, context in
            try demoPage("demo/" + (try context.parameters.require("file")), request)
        }
    }

    private func serve(_ directory: String, _ context: BasicRequestContext, _ request: Request) throws -> Response {
        try respond(directory + "/" + (try context.parameters.require("file")), request)
    }

    private func demoPage(_ name: String, _ request: Request) throws -> Response {
        guard demo else {
            throw Problem(
                .notFound, "The demo dashboard is off: start the server with `lineup serve --demo`, or set demo_ui.")
        }
        return try respond(name, request)
    }

    private func respond(_ name: String, _ request: Request) throws -> Response {
        guard let asset = assets.asset(named: name) else {
            throw Problem(.notFound, "There is no file \(request.uri.path).")
        }
        var headers: HTTPFields = [
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            .eTag: asset.etag,
            .cacheControl: "no-cache",
            .xContentTypeOptions: "nosniff",
        ]
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        // The SDK is public and meant to be imported by dashboards on other origins, and a
        // module script is fetched in CORS mode.
        if name.hasPrefix("sdk/") { headers[.accessControlAllowOrigin] = "*" }
        if request.headers[.ifNoneMatch] == asset.etag {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.body)))
    }
}
