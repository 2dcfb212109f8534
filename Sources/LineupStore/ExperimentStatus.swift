import Foundation

/// Where an experiment stands at a moment.
public enum ExperimentStatus: String, Sendable, Codable {
    /// Its start lies ahead.
    case scheduled
    case running
    /// Its stop has passed: it serves no more, its analysis stays.
    case stopped

    public init(_ experiment: Experiment, at time: Date) {
        if let start = experiment.start, time < start {
            self = .scheduled
        } else if let stop = experiment.stop, time >= stop {
            self = .stopped
        } else {
            self = .running
        }
    }
}
