import Foundation
import LineupCore
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
        // The log keeps each response's widgets in the order they were shown, and users look
        // at the top: learn from it corrected for position.
        trainer.lambdaRank.unbiased = true
    }

    /// Refuses what no run could use, naming the field, before any data is read.
    public func validate() throws(ServiceError) {
        do {
            try trainer.validate()
        } catch {
            if case .invalidParameter(let name, let reason) = error {
                throw .invalid(ValidationError(field: name, reason: reason))
            }
            throw .invalid(ValidationError(field: "training", reason: "\(error)"))
        }
        guard [.rankNDCG, .binaryLogistic].contains(trainer.objective) else {
            throw .invalid(ValidationError(field: "objective", reason: "must be rank:ndcg or binary:logistic to rank logged responses"))
        }
        if let version {
            // It names two files in the models directory.
            let allowed = version.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            }
            guard allowed, !version.hasPrefix("."), (1...128).contains(version.utf8.count) else {
                throw .invalid(
                    ValidationError(field: "version", reason: "must be 1–128 letters, digits, '-', '_' or '.', not starting with '.'"))
            }
        }
        guard validationShare > 0, validationShare < 1 else {
            throw .invalid(ValidationError(field: "validation_share", reason: "must be between 0 and 1"))
        }
        if let from, let to, to <= from { throw .invalid(ValidationError(field: "to", reason: "must be after from")) }
    }
}
