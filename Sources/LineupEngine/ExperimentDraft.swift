import Foundation
import LineupStore

/// An experiment as an admin defines it with `PUT /v1/experiments/{experimentId}`.
public struct ExperimentDraft: Sendable, Equatable {
    public var salt: String
    public var variants: [Experiment.Variant]
    public var control: String
    public var targeting: Experiment.Targeting
    public var start: Date?
    public var stop: Date?

    public init(
        salt: String, variants: [Experiment.Variant], control: String, targeting: Experiment.Targeting = .init(),
        start: Date? = nil, stop: Date? = nil
    ) {
        self.salt = salt
        self.variants = variants
        self.control = control
        self.targeting = targeting
        self.start = start
        self.stop = stop
    }
}
