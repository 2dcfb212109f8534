import Foundation
import LineupBandit
import LineupCore
import LineupModels
import LineupRetrieval
import LineupStore
import Logging
import Synchronization

/// Lineup's request path, independent of any transport or database: the catalog, users
/// and events, the two-stage rank with its layout and experiment assignment, and the
/// impression log's writer.
///
/// It validates input against Lineup's rules, stamps server-side times, hands writes to the
/// store and keeps what requests read in memory (the embedding matrix, user vectors, stage
/// 2's features, the bandit's banks, the experiments), so a rank never reads the store.
/// Offline work over what it logged is `LineupAnalysis`'s; the server and the command line
/// hold one of each.
public final class Engine: Sendable {
    public struct Configuration: Sendable {
        /// Length of every item embedding; fixed for the life of a catalog.
        public var embeddingDimension: Int
        /// Most entries in one batch request (items or events).
        public var maxBatchSize: Int
        /// How far in the future an event's timestamp may lie, to absorb client clock skew.
        public var maxClockSkew: TimeInterval
        /// Most items in one page of the catalog listing.
        public var maxPageSize: Int
        /// How engagements make a user's query vector.
        public var userVectors: UserVectors.Configuration
        /// How a widget's text makes its embedding when none is given.
        public var contentEmbedding: ContentEmbedder.Configuration
        /// How overlapping whole-catalog searches share one sgemm.
        public var batching: BatchingSearch.Configuration
        /// Widgets stage 1 hands to stage 2 per rank request.
        public var retrievalK = 200
        /// How served responses are written to the impression log.
        public var impressionLog = ImpressionLog.Configuration()
        /// How surfaces' layouts are chosen and rewarded.
        public var layouts = LayoutPolicy()

        public init(
            embeddingDimension: Int = 64,
            maxBatchSize: Int = 10_000,
            maxClockSkew: TimeInterval = 300,
            maxPageSize: Int = 1000,
            userVectors: UserVectors.Configuration = .init(),
            contentEmbedding: ContentEmbedder.Configuration = .init(),
            batching: BatchingSearch.Configuration = .init()
        ) {
            self.embeddingDimension = embeddingDimension
            self.maxBatchSize = maxBatchSize
            self.maxClockSkew = maxClockSkew
            self.maxPageSize = maxPageSize
            self.userVectors = userVectors
            self.contentEmbedding = contentEmbedding
            self.batching = batching
        }
    }

    public let configuration: Configuration
    public let store: any Store
    /// The models directory and the model serving stage 2.
    public let models: ModelRegistry
    let validator: Validator
    let now: @Sendable () -> Date
    let logger: Logger
    /// Every active item's vector: what retrieval searches.
    public let embeddings: EmbeddingIndex
    let embedder: ContentEmbedder
    /// Recent engagements per user, fed by ingestion.
    public let userVectors: UserVectors
    /// What stage 2's features are computed from, fed by the same writes.
    public let features: OnlineFeatures
    /// Whole-catalog searches, scored together when requests overlap.
    let search: BatchingSearch
    /// Every served response, written in batches off the request path.
    public let impressions: ImpressionLog
    /// The layout policy of every surface.
    let bandit: LayoutBandit
    /// Every experiment, in creation order (the first running one that targets a request
    /// serves it).
    let experimentList = Mutex<[Experiment]>([])
    /// The last event sequence applied to the in-memory state (events are applied once
    /// each, in log order, whichever replica stored them), and batches waiting for theirs.
    let cursor = Mutex(LogCursor())
    /// The last change of a shared store's feed applied (replicas only).
    let changePosition = Mutex<Int64>(0)

    /// - Parameters:
    ///   - models: the registry stage 2 scores from; none (the fallback order) by default.
    ///   - impressionStore: where the impression log goes; `store` when nil.
    public init(
        configuration: Configuration = .init(),
        store: any Store,
        models: ModelRegistry? = nil,
        impressionStore: (any ImpressionStore)? = nil,
        logger: Logger = Logger(label: "lineup.engine"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.store = store
        self.models = models ?? ModelRegistry(directory: nil, schema: OnlineFeatures.schema, logger: logger)
        self.validator = Validator(configuration: configuration)
        self.logger = logger
        self.now = now
        self.embeddings = EmbeddingIndex(dimension: configuration.embeddingDimension)
        self.embedder = ContentEmbedder(
            dimension: configuration.embeddingDimension, configuration: configuration.contentEmbedding)
        self.userVectors = UserVectors(configuration: configuration.userVectors)
        self.features = OnlineFeatures(weights: configuration.userVectors.weights)
        self.search = BatchingSearch(index: embeddings, configuration: configuration.batching)
        self.bandit = LayoutBandit(configuration: configuration.layouts)
        self.impressions = ImpressionLog(
            store: impressionStore ?? store, configuration: configuration.impressionLog, logger: logger)
    }

    public func readiness() async -> Readiness {
        await store.readiness()
    }

    public func statistics() async throws -> StoreStatistics {
        try await store.statistics()
    }
}
