import Foundation
import LineupCore

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
    /// LambdaMART's pair method (`topk` or `mean`) for a ranking model.
    public var pairMethod: String?
    /// For a model that corrected for position bias, the examination it estimated by position.
    public var positionBias: PositionBias?

    /// Unbiased LambdaMART's estimates after the last round (XGBoost's `ti+` and `tj-`):
    /// how much less a pair counts when its better row was shown at position i (`plus`) or
    /// its worse row at position j (`minus`), relative to position 0 (1 there).
    public struct PositionBias: Sendable, Codable, Equatable {
        public var plus: [Double]
        public var minus: [Double]

        public init(plus: [Double], minus: [Double]) {
            self.plus = plus
            self.minus = minus
        }
    }

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

        public init(rows: Int, groups: Int, positives: Int, labelCounts: [String: Int]) {
            self.rows = rows
            self.groups = groups
            self.positives = positives
            self.labelCounts = labelCounts
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

        public init(train: String, validation: String?, bestRound: Int, bestValidation: Double?, rounds: [Round]) {
            self.train = train
            self.validation = validation
            self.bestRound = bestRound
            self.bestValidation = bestValidation
            self.rounds = rounds
        }
    }

    public struct Round: Sendable, Codable, Equatable {
        public var round: Int
        public var seconds: Double
        public var train: Double
        public var validation: Double?

        public init(round: Int, seconds: Double, train: Double, validation: Double?) {
            self.round = round
            self.seconds = seconds
            self.train = train
            self.validation = validation
        }
    }

    public struct Importance: Sendable, Codable, Equatable {
        public var feature: String
        public var totalGain: Double
        public var splits: Int

        public init(feature: String, totalGain: Double, splits: Int) {
            self.feature = feature
            self.totalGain = totalGain
            self.splits = splits
        }
    }

    public struct Comparison: Sendable, Codable, Equatable {
        public var activeVersion: String?
        /// The active model's validation metric; for the fallback order (no model), the metric
        /// of the order that was served.
        public var activeValidation: Double?
        public var better: Bool

        public init(activeVersion: String?, activeValidation: Double?, better: Bool) {
            self.activeVersion = activeVersion
            self.activeValidation = activeValidation
            self.better = better
        }
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
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(date))
        }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an RFC 3339 date-time")
            }
            return date
        }
        return decoder
    }()

    public func json() throws -> Data { try Self.encoder.encode(self) }

    public init(json: Data) throws { self = try Self.decoder.decode(Self.self, from: json) }

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
