import Foundation
import Hummingbird
import LineupAPI
import LineupEngine
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime

/// The HTTP face of Lineup: the routes generated from openapi.yaml, behind authentication,
/// body limits, metrics and problem+json errors.
public struct Server: Sendable {
    public let configuration: Configuration
    public let engine: Engine
    /// Background training runs (`POST /v1/models/train`, and the retraining schedule).
    public let training: TrainingJobs
    let logger: Logger

    public init(configuration: Configuration, engine: Engine, logger: Logger = Logger(label: "lineup.server")) {
        self.configuration = configuration
        self.engine = engine
        self.training = TrainingJobs(engine: engine)
        self.logger = logger
    }

    /// The router with every route and middleware; tests drive it in process.
    public func makeRouter() throws -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: AuthMiddleware(
            clientTokens: configuration.clientTokens, adminTokens: configuration.adminTokens))
        router.add(middleware: BodyLimitMiddleware(maxBytes: configuration.maxBodyBytes))
        let handler = APIHandler(engine: engine, metrics: ServiceMetrics(), training: training)
        try handler.registerHandlers(
            on: router,
            configuration: .init(dateTranscoder: FlexibleDateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]))
        return router
    }

    /// The application, ready to run. Refuses to listen beyond loopback without tokens:
    /// an open catalog and user export on a network is a data leak, not a default.
    public func makeApplication() throws -> some ApplicationProtocol {
        if !configuration.isAuthenticated && !configuration.isLoopback {
            throw Server.Error.unauthenticatedPublicBind(host: configuration.host)
        }
        if !configuration.isAuthenticated {
            logger.warning(
                "no tokens configured: authentication is off, so Lineup listens on \(configuration.host) (loopback) only")
        }
        return Application(
            router: try makeRouter(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Lineup"),
            logger: logger)
    }

    public enum Error: Swift.Error, CustomStringConvertible {
        case unauthenticatedPublicBind(host: String)

        public var description: String {
            switch self {
            case .unauthenticatedPublicBind(let host):
                "refusing to listen on \(host) without tokens: configure client and admin tokens (LINEUP_CLIENT_TOKENS, LINEUP_ADMIN_TOKENS) or bind to 127.0.0.1"
            }
        }
    }
}
