import Foundation
import LineupCore
import LineupModels
import LineupStore

extension Engine {
    /// The rankers a variant may name.
    static let experimentRankers: [String: Ranking.Ranker] = [
        "popularity": .popularity, "retrieval": .fallback, "two_stage": .twoStage,
    ]
    static let banditModes = ["on", "frozen", "off"]

    /// Reads the experiments from the store (`warmUp` does it too).
    public func loadExperiments() async throws {
        let stored = try await store.experiments()
        experimentList.withLock { $0 = stored }
    }

    /// Every experiment with its status now, in creation order.
    public func experiments() -> [(experiment: Experiment, status: ExperimentStatus)] {
        let time = now()
        return experimentList.withLock { $0 }.map { ($0, ExperimentStatus($0, at: time)) }
    }

    public func experiment(id: String) throws -> (experiment: Experiment, status: ExperimentStatus) {
        guard let found = experiments().first(where: { $0.experiment.id == id }) else {
            throw ServiceError.notFound(kind: "experiment", id: id)
        }
        return found
    }

    /// Creates or changes an experiment. Once it has started, only its `stop` may change:
    /// a new salt, new weights, variants or overrides would move users between variants
    /// or change what a variant means halfway (409 names the field). Returns it and
    /// whether it was created.
    public func putExperiment(id: String, _ draft: ExperimentDraft) async throws -> (experiment: Experiment, created: Bool) {
        try ServiceError.checked { () throws(ValidationError) in try validate(id: id, draft) }
        for (index, variant) in draft.variants.enumerated() {
            guard let version = variant.overrides.modelVersion else { continue }
            do {
                _ = try models.model(version: version)
            } catch .notFound {
                throw ServiceError.notFound(kind: "model", id: version)
            } catch {
                throw ServiceError.invalid(ValidationError(field: "variants[\(index)].overrides.model_version", reason: error.description))
            }
        }
        let time = now()
        let existing = experimentList.withLock { $0.first { $0.id == id } }
        var experiment = Experiment(
            id: id, salt: draft.salt, variants: draft.variants, control: draft.control, targeting: draft.targeting,
            start: draft.start, stop: draft.stop, createdAt: existing?.createdAt ?? time, updatedAt: time)
        if let existing, ExperimentStatus(existing, at: time) != .scheduled {
            for (field, same) in [
                ("salt", existing.salt == draft.salt),
                ("variants", existing.variants.map(\.id) == draft.variants.map(\.id)),
                ("variants.weight", existing.variants.map(\.weight) == draft.variants.map(\.weight)),
                ("variants.overrides", existing.variants.map(\.overrides) == draft.variants.map(\.overrides)),
                ("control", existing.control == draft.control), ("targeting", existing.targeting == draft.targeting),
                ("start", existing.start == draft.start),
            ] where !same {
                throw ServiceError.conflict(
                    field: field,
                    reason: "experiment \(id) has started: only its stop may change (a new \(field) would move users or change what they see)")
            }
            experiment.start = existing.start
        }
        try await store.saveExperiment(experiment)
        experimentList.withLock { list in
            if let index = list.firstIndex(where: { $0.id == id }) { list[index] = experiment } else { list.append(experiment) }
        }
        return (experiment, existing == nil)
    }

    private func validate(id: String, _ draft: ExperimentDraft) throws(ValidationError) {
        try Identifier.validate(id, field: "experiment_id")
        guard !draft.salt.isEmpty, draft.salt.utf8.count <= 128 else {
            throw ValidationError(field: "salt", reason: "must be 1 to 128 bytes")
        }
        guard draft.variants.count >= 2, draft.variants.count <= 20 else {
            throw ValidationError(field: "variants", reason: "must list 2 to 20 variants")
        }
        var seen = Set<String>()
        for (index, variant) in draft.variants.enumerated() {
            let path = "variants[\(index)]."
            try Identifier.validate(variant.id, field: path + "id")
            guard seen.insert(variant.id).inserted else {
                throw ValidationError(field: path + "id", reason: "'\(variant.id)' is listed twice")
            }
            guard variant.weight.isFinite, variant.weight > 0, variant.weight <= 1_000_000 else {
                throw ValidationError(field: path + "weight", reason: "must be a positive number up to 1000000")
            }
            let overrides = variant.overrides
            if let ranker = overrides.ranker, Self.experimentRankers[ranker] == nil {
                throw ValidationError(field: path + "overrides.ranker", reason: "must be popularity, retrieval or two_stage")
            }
            if let version = overrides.modelVersion { try Identifier.validate(version, field: path + "overrides.model_version") }
            if let k = overrides.retrievalK, !(1...configuration.maxPageSize).contains(k) {
                throw ValidationError(field: path + "overrides.retrieval_k", reason: "must be between 1 and \(configuration.maxPageSize)")
            }
            if let mode = overrides.bandit, !Self.banditModes.contains(mode) {
                throw ValidationError(field: path + "overrides.bandit", reason: "must be on, frozen or off")
            }
        }
        guard seen.contains(draft.control) else {
            throw ValidationError(field: "control", reason: "must be the id of one of the variants")
        }
        for (index, surface) in (draft.targeting.surfaces ?? []).enumerated() {
            try Identifier.validate(surface, field: "targeting.surfaces[\(index)]")
        }
        for (index, role) in (draft.targeting.roles ?? []).enumerated() {
            try Identifier.validate(role, field: "targeting.roles[\(index)]")
        }
        if let start = draft.start, let stop = draft.stop, stop <= start {
            throw ValidationError(field: "stop", reason: "must be after start")
        }
    }

    /// The experiment and variant a request is served under: the first running experiment,
    /// in creation order, whose targeting matches the surface and the user's role.
    func assignment(userId: String, surface: String, at time: Date) -> (experiment: Experiment, variant: Experiment.Variant)? {
        let role = features.role(of: userId)
        let running = experimentList.withLock { list in
            list.first { experiment in
                experiment.isRunning(at: time)
                    && (experiment.targeting.surfaces.map { $0.contains(surface) } ?? true)
                    && (experiment.targeting.roles.map { roles in role.map(roles.contains) ?? false } ?? true)
            }
        }
        guard let running else { return nil }
        return (running, Assignment.variant(of: running, userId: userId))
    }
}
