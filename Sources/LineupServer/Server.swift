import Foundation
import Hummingbird
import LineupAPI
import LineupAnalysis
import LineupEngine
import LineupStore
import LineupWeb
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle

/// The HTTP face of Lineup: the routes generated from openapi.yaml, behind authentication,
/// body limits, metrics and problem+json errors, and the background services that run
/// beside them. It is handed a built engine and analysis; it never opens a store.
public struct Server: Sendable {
    public let configuration: Configuration
    /// The request path.
    public let engine: Engine
    /// Offline work over the log: evaluation, reports, experiment analyses.
    public let analysis: Analysis
    /// Background training runs (`POST /v1/models/train`, and the retraining schedule).
    public let training: TrainingJobs
    let logger: Logger

    public init(
        configuration: Configuration, engine: Engine, analysis: Analysis, logger: Logger = Logger(label: "lineup.server")
    ) {
        self.configuration = configuration
        self.engine = engine
        self.analysis = analysis
        self.training = TrainingJobs(analysis: analysis)
        self.logger = logger
    }

    /// The router with every route and middleware; tests drive it in process.
    public func makeRouter() throws -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        if !configuration.corsOrigins.isEmpty {
            router.add(middleware: CrossOriginMiddleware(origins: configuration.corsOrigins))
        }
        router.add(middleware: AuthMiddleware(
            clientTokens: configuration.clientTokens, adminTokens: configuration.adminTokens))
        router.add(middleware: BodyLimitMiddleware(maxBytes: configuration.maxBodyBytes))
        let handler = APIHandler(engine: engine, analysis: analysis, metrics: ServiceMetrics(), training: training)
        try handler.registerHandlers(
            on: router,
            configuration: .init(dateTranscoder: FlexibleDateTranscoder(), jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]))
        WebRoutes(assets: WebAssets(directory: configuration.webAssetsDirectory), demo: configuration.demoUI)
            .register(on: router)
        return router
    }

    /// The background work of a serving process, in the order the service group starts
    /// them. It shuts them down in reverse, after the HTTP server (which Hummingbird adds
    /// last) has stopped taking requests and answered the last one: the retraining schedule
    /// stops, the impression log writes what the last requests appended, the reward settler
    /// stops, then `maintenance` (the store's own, such as SQLite's checkpointer).
    public func services(maintenance: [any Service] = []) -> [any Service] {
        var services = maintenance
        if engine.store is any SharedStore {
            services.append(ReplicaFollower(engine: engine, interval: configuration.followInterval))
        }
        services.append(
            PeriodicService("layout reward settler", every: configuration.settlingInterval) { [engine, logger] in
                do {
                    try await engine.settleLayouts()
                } catch {
                    logger.warning("layout rewards not settled; trying again", metadata: ["error": "\(error)"])
                }
            })
        let impressions = engine.impressions
        services.append(
            PeriodicService(
                "impression log flusher", every: impressions.configuration.flushInterval, final: { await impressions.flush() },
                work: { await impressions.flush() }))
        if let retraining = configuration.retraining {
            services.append(
                PeriodicService("retraining schedule", every: retraining.interval) { [training] in
                    var base = TrainingSpecification()
                    base.trainer.lambdaRank.unbiased = retraining.unbiased
                    await training.retrain(window: retraining.window, base: base)
                })
        }
        return services
    }

    /// The application with its services, ready to run. Refuses to listen beyond loopback
    /// without tokens: an open catalog and user export on a network is a data leak, not a
    /// default.
    public func makeApplication(maintenance: [any Service] = []) throws -> some ApplicationProtocol {
        try validate()
        if !configuration.isAuthenticated {
            logger.warning(
                "no tokens configured: authentication is off, so Lineup listens on \(configuration.host) (loopback) only")
        }
        return Application(
            router: try makeRouter(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Lineup"),
            services: services(maintenance: maintenance),
            logger: logger)
    }

    /// Refuses to listen beyond loopback without tokens.
    public func validate() throws(Server.Error) {
        if !configuration.isAuthenticated && !configuration.isLoopback {
            throw .unauthenticatedPublicBind(host: configuration.host)
        }
    }

    /// Runs the application until SIGTERM or SIGINT, then shuts down gracefully: the HTTP
    /// server stops taking requests and answers those it has, then the services stop in the
    /// order `services(maintenance:)` gives. Throws `Server.Error` before listening when the
    /// configuration is refused.
    public func run(maintenance: [any Service] = []) async throws {
        try await makeApplication(maintenance: maintenance).runService()
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
