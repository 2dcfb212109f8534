import Foundation
import LineupCore

/// Experiments and what they served. Assignments are not stored (they are a function of
/// the salt); exposures (a user's first request under an experiment) are written with the
/// impressions that make them.
public protocol ExperimentStore: Sendable {
    func experiments() async throws -> [Experiment]

    /// Inserts or replaces an experiment, keeping the original `createdAt` on replace (the
    /// order `experiments()` lists them in, which decides which experiment serves a request).
    func saveExperiment(_ experiment: Experiment) async throws

    /// Users exposed per variant.
    func exposures(experiment: String) async throws -> [String: Int]

    /// Per variant and user: requests served under the experiment, how many were engaged
    /// with (an event of `engagementTypes` carrying the request id within `window` after
    /// it, or `clockSkew` before), and how many shown widgets such events named.
    func experimentUnits(
        experiment: String, engagementTypes: Set<EventType>, window: TimeInterval, clockSkew: TimeInterval
    ) async throws -> [ExperimentUnit]
}
