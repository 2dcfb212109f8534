import Foundation

/// An A/B experiment: who is in it, how they are split, and what each variant serves.
///
/// A user's variant is a pure function of (`salt`, user id) and the variants' weights, so
/// changing the salt or the weights of a running experiment would move users between
/// variants; the engine refuses that.
public struct Experiment: Sendable, Hashable, Codable {
    /// What a variant changes in the rank request; nil keeps the service's behaviour.
    public struct Overrides: Sendable, Hashable, Codable {
        /// `popularity`, `retrieval` (the fallback blend) or `two_stage`.
        public var ranker: String?
        /// A model of the models directory to score with (two-stage).
        public var modelVersion: String?
        /// Widgets stage 1 hands to stage 2.
        public var retrievalK: Int?
        /// `on` (explore), `frozen` (exploit only) or `off` (no layout).
        public var bandit: String?

        public init(ranker: String? = nil, modelVersion: String? = nil, retrievalK: Int? = nil, bandit: String? = nil) {
            self.ranker = ranker
            self.modelVersion = modelVersion
            self.retrievalK = retrievalK
            self.bandit = bandit
        }
    }

    public struct Variant: Sendable, Hashable, Codable {
        public var id: String
        /// Relative share of the targeted users.
        public var weight: Double
        public var overrides: Overrides

        public init(id: String, weight: Double, overrides: Overrides = .init()) {
            self.id = id
            self.weight = weight
            self.overrides = overrides
        }
    }

    /// Which requests take part: all must match; nil matches everything.
    public struct Targeting: Sendable, Hashable, Codable {
        public var surfaces: [String]?
        public var roles: [String]?

        public init(surfaces: [String]? = nil, roles: [String]? = nil) {
            self.surfaces = surfaces
            self.roles = roles
        }
    }

    public var id: String
    public var salt: String
    public var variants: [Variant]
    /// The id of the variant the others are compared with.
    public var control: String
    public var targeting: Targeting
    /// The experiment serves from `start` (inclusive) to `stop` (exclusive); nil: open.
    public var start: Date?
    public var stop: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, salt: String, variants: [Variant], control: String, targeting: Targeting = .init(), start: Date? = nil,
        stop: Date? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.salt = salt
        self.variants = variants
        self.control = control
        self.targeting = targeting
        self.start = start
        self.stop = stop
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether requests at `time` are served under it.
    public func isRunning(at time: Date) -> Bool {
        (start.map { $0 <= time } ?? true) && (stop.map { time < $0 } ?? true)
    }
}
