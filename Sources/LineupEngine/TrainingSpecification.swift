import Foundation
import LineupTraining

/// What a training run learns from and how: a window of the impression log, where it splits
/// into training and validation, the trainer's settings, and the version to register.
public struct TrainingSpecification: Sendable {
    /// Inclusive; nil: from the first logged response.
    public var from: Date?
    /// Exclusive; nil: to the last.
    public var to: Date?
    /// Responses from this time on validate; nil: the last `validationShare` of the window's
    /// time span.
    public var splitAt: Date?
    public var validationShare = 0.2
    public var trainer = Trainer.Configuration()
    /// nil: `lineup-<UTC time>`, e.g. `lineup-20261122-140502`.
    public var version: String?

    public init() {
        trainer.objective = .rankNDCG
        trainer.learningRate = 0.1
        trainer.rounds = 200
        trainer.earlyStoppingRounds = 20
        trainer.cutoff = 5
    }
}
