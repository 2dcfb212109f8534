import Foundation
import LineupModels
import LineupTraining

/// A training run started by `POST /v1/models/train` or by the retraining schedule, as
/// `GET /v1/models/train/{jobId}` reports it.
public struct TrainingJob: Sendable {
    public enum State: String, Sendable {
        case running, succeeded, failed
    }

    public var id: String
    /// `api` or `schedule`.
    public var trigger: String
    public var state: State
    public var startedAt: Date
    public var finishedAt: Date?
    /// The most rounds this run may take.
    public var rounds: Int
    /// The last round finished so far.
    public var progress: TrainingRound?
    /// Set when it succeeded: the registered model's card.
    public var card: ModelCard?
    /// Whether the new model was activated (only when asked to, and only if it beat the
    /// model serving on the same validation responses).
    public var activated = false
    /// Why it failed.
    public var error: String?
}
