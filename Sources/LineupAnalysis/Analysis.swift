import Foundation
import LineupBandit
import LineupCore
import LineupModels
import LineupStore
import Logging

/// Lineup's offline work over any store: evaluation of the impression log and replay of
/// models on it, off-policy reports of the layout bandit, experiment analyses, and training
/// models from the log.
///
/// It reads what the request path (`LineupEngine`) logged and never serves a request: the
/// server and the command line hold one of each. Responses still buffered by the serving
/// engine belong to what is analysed, so every read first awaits `pendingWrites`.
public final class Analysis: Sendable {
    public struct Configuration: Sendable {
        /// Which events label a served widget.
        public var labels: LabelPolicy
        /// The layout bandit's rules, to read its evidence as the serving policy does.
        public var layouts: LayoutPolicy
        /// The features a model trained here reads (the engine's schema).
        public var schema: FeatureSchema

        public init(labels: LabelPolicy = .init(), layouts: LayoutPolicy = .init(), schema: FeatureSchema) {
            self.labels = labels
            self.layouts = layouts
            self.schema = schema
        }
    }

    public let configuration: Configuration
    public let store: any Store
    /// Where replayed models are read and trained ones registered.
    public let models: ModelRegistry
    let pendingWrites: @Sendable () async -> Void
    let logger: Logger
    let now: @Sendable () -> Date

    /// - Parameter pendingWrites: writes what the serving side still buffers (the impression
    ///   log), before a read; nothing by default.
    public init(
        configuration: Configuration, store: any Store, models: ModelRegistry,
        pendingWrites: @escaping @Sendable () async -> Void = {}, logger: Logger = Logger(label: "lineup.analysis"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.store = store
        self.models = models
        self.pendingWrites = pendingWrites
        self.logger = logger
        self.now = now
    }
}
