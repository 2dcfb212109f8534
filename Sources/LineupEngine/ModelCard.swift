import Foundation
import LineupTraining

/// What `<version>.card.json` tells about a model Lineup trained: where its data came from,
/// how it was trained, how it scored round by round, and which features it leans on.
/// `GET /v1/models` returns it as written.
public struct ModelCard: Sendable, Codable, Equatable {
    public var version: String
    public var createdAt: Date
    public var trainer: String
    public var objective: String
    public var schemaVersion: Int
    public var features: [String]
    public var data: DataWindow
    /// The trainer's settings under XGBoost's parameter names.
    public var parameters: [String: Double]
    public var metrics: Metrics
    /// Per feature by total gain, largest first; features never split on are left out.
    public var importances: [Importance]
    /// The model that was serving, scored on the same validation responses.
    public var comparison: Comparison?
    /// Filled by `lineup demo-loop`: the simulated days served with and without this model.
    public var loop: LoopReport?

    public struct DataWindow: Sendable, Codable, Equatable {
        public var source: String
        public var windowStart: Date?
        public var windowEnd: Date?
        public var splitAt: Date?
        public var train: SplitCounts
        public var validation: SplitCounts?
        /// Responses left out: without logged features, of another schema, or without any
        /// engaged widget (they hold no pair to learn from).
        public var skipped: Skipped

        public init(
            source: String, windowStart: Date? = nil, windowEnd: Date? = nil, splitAt: Date? = nil, train: SplitCounts,
            validation: SplitCounts?, skipped: Skipped = .init()
        ) {
            self.source = source
            self.windowStart = windowStart
            self.windowEnd = windowEnd
            self.splitAt = splitAt
            self.train = train
            self.validation = validation
            self.skipped = skipped
        }
    }

    public struct SplitCounts: Sendable, Codable, Equatable {
        public var rows: Int
        public var groups: Int
        public var positives: Int
        /// How many rows carry each label grade.
        public var labelCounts: [String: Int]

        public init(_ data: TrainingData) {
            rows = data.count
            groups = data.groups?.count ?? 0
            positives = data.labels.filter { $0 > 0 }.count
            var labels: [String: Int] = [:]
            for label in data.labels { labels[label == label.rounded() ? String(Int(label)) : String(label), default: 0] += 1 }
            labelCounts = labels
        }
    }

    public struct Skipped: Sendable, Codable, Equatable {
        public var withoutFeatures = 0
        public var withoutEngagement = 0

        public init() {}
    }

    public struct Metrics: Sendable, Codable, Equatable {
        public var train: String
        public var validation: String?
        public var bestRound: Int
        /// The validation metric at `bestRound`.
        public var bestValidation: Double?
        public var rounds: [Round]
    }

    public struct Round: Sendable, Codable, Equatable {
        public var round: Int
        public var seconds: Double
        public var train: Double
        public var validation: Double?
    }

    public struct Importance: Sendable, Codable, Equatable {
        public var feature: String
        public var totalGain: Double
        public var splits: Int
    }

    public struct Comparison: Sendable, Codable, Equatable {
        public var activeVersion: String?
        /// The active model's validation metric; for the fallback order (no model), the metric
        /// of the order that was served.
        public var activeValidation: Double?
        public var better: Bool
    }

    public struct LoopReport: Sendable, Codable, Equatable {
        public var description: String
        public var heldOutDays: Int
        public var arms: [Arm]

        public init(description: String, heldOutDays: Int, arms: [Arm]) {
            self.description = description
            self.heldOutDays = heldOutDays
            self.arms = arms
        }

        public struct Arm: Sendable, Codable, Equatable {
            public var name: String
            public var sessions: Int
            public var engagementRate: Double
            public var loggedNdcg5: Double?
            public var trueNdcg5: Double

            public init(name: String, sessions: Int, engagementRate: Double, loggedNdcg5: Double?, trueNdcg5: Double) {
                self.name = name
                self.sessions = sessions
                self.engagementRate = engagementRate
                self.loggedNdcg5 = loggedNdcg5
                self.trueNdcg5 = trueNdcg5
            }
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    public func json() throws -> Data { try Self.encoder.encode(self) }

    public init(json: Data) throws { self = try Self.decoder.decode(Self.self, from: json) }

    /// The card of a model `Trainer` made.
    public init(
        version: String, createdAt: Date, configuration: Trainer.Configuration, result: TrainingResult,
        features: [String], schemaVersion: Int, data: DataWindow
    ) {
        self.init(
            version: version, createdAt: createdAt, trainer: "lineup train (LineupTraining, histogram gradient boosting)",
            objective: configuration.objective.rawValue, schemaVersion: schemaVersion, features: features, data: data,
            parameters: Self.parameters(of: configuration),
            metrics: Metrics(
                train: result.trainMetric, validation: result.validationMetric, bestRound: result.bestRound,
                bestValidation: result.rounds.first { $0.round == result.bestRound }?.validation,
                rounds: result.rounds.map { Round(round: $0.round, seconds: $0.seconds, train: $0.train, validation: $0.validation) }),
            importances: result.importances.filter { $0.splits > 0 }.sorted { $0.totalGain > $1.totalGain }.map {
                Importance(feature: features[$0.feature], totalGain: $0.totalGain, splits: $0.splits)
            })
    }

    /// The trainer's settings under XGBoost's names.
    static func parameters(of configuration: Trainer.Configuration) -> [String: Double] {
        [
            "num_boost_round": Double(configuration.rounds), "max_depth": Double(configuration.maxDepth),
            "max_leaves": Double(configuration.maxLeaves), "eta": Double(configuration.learningRate),
            "lambda": configuration.lambda, "gamma": configuration.gamma, "min_child_weight": configuration.minChildWeight,
            "max_bin": Double(configuration.maxBins), "subsample": configuration.subsample,
            "colsample_bytree": configuration.columnSample, "early_stopping_rounds": Double(configuration.earlyStoppingRounds),
            "ndcg_cutoff": Double(configuration.cutoff), "seed": Double(configuration.seed),
        ]
    }

    public init(
        version: String, createdAt: Date, trainer: String, objective: String, schemaVersion: Int, features: [String],
        data: DataWindow, parameters: [String: Double], metrics: Metrics, importances: [Importance],
        comparison: Comparison? = nil, loop: LoopReport? = nil
    ) {
        self.version = version
        self.createdAt = createdAt
        self.trainer = trainer
        self.objective = objective
        self.schemaVersion = schemaVersion
        self.features = features
        self.data = data
        self.parameters = parameters
        self.metrics = metrics
        self.importances = importances
        self.comparison = comparison
        self.loop = loop
    }
}
