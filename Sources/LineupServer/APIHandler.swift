import Foundation
import LineupAPI
import LineupAnalysis
import LineupCore
import LineupEngine
import LineupEvaluation
import LineupRanking
import LineupStore
import OpenAPIRuntime

/// The operations of openapi.yaml, each a thin translation between the generated types and
/// the engine. Errors are thrown, not returned: `ProblemMiddleware` renders them.
struct APIHandler: APIProtocol {
    let engine: Engine
    let analysis: Analysis
    let metrics: ServiceMetrics
    let training: TrainingJobs

    // MARK: Items

    func putItem(_ input: Operations.PutItem.Input) async throws -> Operations.PutItem.Output {
        guard case .json(let body) = input.body else { throw unsupportedMediaType }
        let result = try await engine.putItem(id: input.path.itemId, try APIMapping.draft(body))
        let item = try APIMapping.item(result.value)
        return result.created ? .created(.init(body: .json(item))) : .ok(.init(body: .json(item)))
    }

    func getItem(_ input: Operations.GetItem.Input) async throws -> Operations.GetItem.Output {
        .ok(.init(body: .json(try APIMapping.item(try await engine.item(id: input.path.itemId)))))
    }

    func deleteItem(_ input: Operations.DeleteItem.Input) async throws -> Operations.DeleteItem.Output {
        try await engine.deleteItem(id: input.path.itemId)
        return .noContent(.init())
    }

    func listItems(_ input: Operations.ListItems.Input) async throws -> Operations.ListItems.Output {
        let page = try await engine.listItems(limit: input.query.limit ?? 100, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(items: try page.elements.map(APIMapping.item), nextCursor: page.nextCursor))))
    }

    func importItems(_ input: Operations.ImportItems.Input) async throws -> Operations.ImportItems.Output {
        guard case .json(let body) = input.body else { throw unsupportedMediaType }
        let counts = try await engine.importItems(try body.items.map(APIMapping.draft))
        return .ok(.init(body: .json(.init(created: counts.inserted, updated: counts.existing))))
    }

    // MARK: Users

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let page = try await engine.listUsers(limit: input.query.limit ?? 100, cursor: input.query.cursor)
        return .ok(.init(body: .json(.init(users: try page.elements.map(APIMapping.user), nextCursor: page.nextCursor))))
    }

    func putUser(_ input: Operations.PutUser.Input) async throws -> Operations.PutUser.Output {
        guard case .json(let body) = input.body else { throw unsupportedMediaType }
        let result = try await engine.putUser(id: input.path.userId, try APIMapping.draft(body))
        let user = try APIMapping.user(result.value)
        return result.created ? .created(.init(body: .json(user))) : .ok(.init(body: .json(user)))
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        .ok(.init(body: .json(try APIMapping.user(try await engine.user(id: input.path.userId)))))
    }

    func deleteUser(_ input: Operations.DeleteUser.Input) async throws -> Operations.DeleteUser.Output {
        let erasure = try await engine.eraseUser(id: input.path.userId)
        return .ok(.init(body: .json(.init(
            userId: erasure.userId, profileDeleted: erasure.profileDeleted, eventsDeleted: erasure.eventsDeleted,
            impressionsDeleted: erasure.impressionsDeleted))))
    }

    func exportUser(_ input: Operations.ExportUser.Input) async throws -> Operations.ExportUser.Output {
        let export = try await engine.exportUser(id: input.path.userId)
        return .ok(.init(body: .json(.init(
            userId: export.userId,
            profile: try export.profile.map(APIMapping.user),
            events: export.events.map(APIMapping.storedEvent),
            impressions: export.impressions.map(APIMapping.impression)))))
    }

    func getNeighbors(_ input: Operations.GetNeighbors.Input) async throws -> Operations.GetNeighbors.Output {
        let neighbors = try await engine.neighbors(
            userId: input.path.userId, k: input.query.k ?? 10)
        let source: Components.Schemas.Neighbors.SourcePayload = switch neighbors.source {
        case .personal: .personal
        case .role: .role
        case .popularity: .popularity
        }
        return .ok(.init(body: .json(.init(
            userId: input.path.userId, source: source,
            items: neighbors.items.map { .init(itemId: $0.id, score: $0.score) }))))
    }

    // MARK: Ranking

    func rank(_ input: Operations.Rank.Input) async throws -> Operations.Rank.Output {
        guard case .json(let body) = input.body else { throw unsupportedMediaType }
        var context = body.context?.additionalProperties ?? [:]
        if let device = body.context?.device { context["device"] = device }
        let ranking = try await engine.rank(
            RankRequest(
                userId: body.userId, surface: body.surface, candidates: body.candidates, k: body.k ?? 10,
                context: context, explain: body.explain ?? false))
        return .ok(.init(body: .json(try APIMapping.ranking(ranking))))
    }

    // MARK: Models

    func listModels(_ input: Operations.ListModels.Input) async throws -> Operations.ListModels.Output {
        .ok(.init(body: .json(try APIMapping.models(active: engine.models.active?.version, entries: engine.models.entries))))
    }

    func activateModel(_ input: Operations.ActivateModel.Input) async throws -> Operations.ActivateModel.Output {
        guard case .json(let body) = input.body else { throw unsupportedMediaType }
        try await engine.models.activate(version: body.version)
        return .ok(.init(body: .json(try APIMapping.models(active: engine.models.active?.version, entries: engine.models.entries))))
    }

    func startTraining(_ input: Operations.StartTraining.Input) async throws -> Operations.StartTraining.Output {
        var specification = TrainingSpecification()
        var activate = false
        if case .json(let body)? = input.body {
            if let from = body.from, let to = body.to, to <= from {
                throw ValidationError(field: "to", reason: "must be after from")
            }
            specification.from = body.from
            specification.to = body.to
            specification.splitAt = body.splitAt
            if let share = body.validationShare { specification.validationShare = share }
            specification.version = body.version
            activate = body.activateIfBetter ?? false
            var trainer = specification.trainer
            if let objective = body.objective { trainer.objective = Objective(rawValue: objective.rawValue) ?? trainer.objective }
            if let value = body.rounds { trainer.rounds = value }
            if let value = body.maxDepth { trainer.maxDepth = value }
            if let value = body.maxLeaves { trainer.maxLeaves = value }
            if let value = body.learningRate { trainer.learningRate = Float(value) }
            if let value = body.lambda { trainer.lambda = value }
            if let value = body.gamma { trainer.gamma = value }
            if let value = body.minChildWeight { trainer.minChildWeight = value }
            if let value = body.maxBin { trainer.maxBins = value }
            if let value = body.subsample { trainer.subsample = value }
            if let value = body.colsampleBytree { trainer.columnSample = value }
            if let value = body.earlyStoppingRounds { trainer.earlyStoppingRounds = value }
            if let value = body.ndcgAt { trainer.cutoff = value }
            if let value = body.seed { trainer.seed = UInt64(value) }
            if let value = body.pairMethod { trainer.lambdaRank.pairMethod = value == .mean ? .mean : .topK }
            if let value = body.pairsPerSample {
                guard value >= 1 else { throw ValidationError(field: "pairs_per_sample", reason: "must be at least 1") }
                trainer.lambdaRank.pairsPerSample = value
            }
            if let value = body.unbiased { trainer.lambdaRank.unbiased = value }
            if let value = body.biasNorm {
                guard value >= 0, value.isFinite else { throw ValidationError(field: "bias_norm", reason: "must be a number ≥ 0") }
                trainer.lambdaRank.biasNorm = value
            }
            specification.trainer = trainer
        }
        return .accepted(.init(body: .json(try APIMapping.job(try await training.start(specification, activateIfBetter: activate)))))
    }

    func getTrainingJob(_ input: Operations.GetTrainingJob.Input) async throws -> Operations.GetTrainingJob.Output {
        guard let job = training.job(id: input.path.jobId) else {
            throw ServiceError.notFound(kind: "training job", id: input.path.jobId)
        }
        return .ok(.init(body: .json(try APIMapping.job(job))))
    }

    // MARK: Evaluation

    func evaluate(_ input: Operations.Evaluate.Input) async throws -> Operations.Evaluate.Output {
        let query = input.query
        let text = query.k ?? "1,3,5,10"
        guard let cutoffs = MetricsAccumulator.cutoffs(parsing: text) else {
            throw ValidationError(field: "k", reason: "must list cut-offs in 1...1000 separated by commas")
        }
        if let from = query.from, let to = query.to, to <= from {
            throw ValidationError(field: "to", reason: "must be after from")
        }
        let window = ImpressionQuery(
            from: query.from, to: query.to, surface: query.surface, experiment: query.experiment, variant: query.variant,
            ranker: query.ranker?.rawValue, modelVersion: query.modelVersion)
        let evaluation = if let version = query.replay {
            try await analysis.evaluate(window, cutoffs: cutoffs, replayVersion: version)
        } else {
            try await analysis.evaluate(window, cutoffs: cutoffs)
        }
        return .ok(.init(body: .json(APIMapping.evaluation(evaluation))))
    }

    // MARK: Layouts

    func putLayouts(_ input: Operations.PutLayouts.Input) async throws -> Operations.PutLayouts.Output {
        guard case .json(let body) = input.body else { throw unsupportedMediaType }
        let drafts = try body.layouts.enumerated().map { index, layout in
            LayoutDraft(
                id: layout.id, name: layout.name,
                params: try APIMapping.attributes(layout.params, field: "layouts[\(index)].params"))
        }
        let layouts = try await engine.putLayouts(surface: input.path.surface, drafts)
        return .ok(.init(body: .json(try APIMapping.layouts(layouts))))
    }

    func listSurfaces(_ input: Operations.ListSurfaces.Input) async throws -> Operations.ListSurfaces.Output {
        .ok(.init(body: .json(.init(surfaces: try engine.surfaces.map(APIMapping.layouts)))))
    }

    func getLayouts(_ input: Operations.GetLayouts.Input) async throws -> Operations.GetLayouts.Output {
        .ok(.init(body: .json(try APIMapping.layouts(engine.layouts(surface: input.path.surface)))))
    }

    func getBandit(_ input: Operations.GetBandit.Input) async throws -> Operations.GetBandit.Output {
        .ok(.init(body: .json(APIMapping.bandit(try engine.banditState(surface: input.path.surface)))))
    }

    func putBandit(_ input: Operations.PutBandit.Input) async throws -> Operations.PutBandit.Output {
        guard case .json(let body) = input.body else { throw unsupportedMediaType }
        return .ok(.init(body: .json(APIMapping.bandit(try await engine.setFrozen(surface: input.path.surface, body.frozen)))))
    }

    func resetBandit(_ input: Operations.ResetBandit.Input) async throws -> Operations.ResetBandit.Output {
        .ok(.init(body: .json(APIMapping.bandit(try await engine.resetBandit(surface: input.path.surface)))))
    }

    func evaluateLayouts(_ input: Operations.EvaluateLayouts.Input) async throws -> Operations.EvaluateLayouts.Output {
        let query = input.query
        if let from = query.from, let to = query.to, to <= from {
            throw ValidationError(field: "to", reason: "must be after from")
        }
        let evaluations = try await analysis.evaluateLayouts(ImpressionQuery(from: query.from, to: query.to, surface: query.surface))
        return .ok(.init(body: .json(.init(surfaces: evaluations.map(APIMapping.layoutEvaluation)))))
    }

    // MARK: Experiments

    func putExperiment(_ input: Operations.PutExperiment.Input) async throws -> Operations.PutExperiment.Output {
        guard case .json(let body) = input.body else { throw unsupportedMediaType }
        let result = try await engine.putExperiment(id: input.path.experimentId, APIMapping.draft(body))
        let info = APIMapping.experiment(result.experiment, status: try engine.experiment(id: result.experiment.id).status)
        return result.created ? .created(.init(body: .json(info))) : .ok(.init(body: .json(info)))
    }

    func getExperiment(_ input: Operations.GetExperiment.Input) async throws -> Operations.GetExperiment.Output {
        let found = try engine.experiment(id: input.path.experimentId)
        return .ok(.init(body: .json(APIMapping.experiment(found.experiment, status: found.status))))
    }

    func listExperiments(_ input: Operations.ListExperiments.Input) async throws -> Operations.ListExperiments.Output {
        .ok(.init(body: .json(.init(experiments: engine.experiments().map { APIMapping.experiment($0.experiment, status: $0.status) }))))
    }

    func analyzeExperiment(_ input: Operations.AnalyzeExperiment.Input) async throws -> Operations.AnalyzeExperiment.Output {
        .ok(.init(body: .json(APIMapping.analysis(try await analysis.analyzeExperiment(id: input.path.experimentId)))))
    }

    // MARK: Events

    func ingestEvents(_ input: Operations.IngestEvents.Input) async throws -> Operations.IngestEvents.Output {
        guard case .json(let body) = input.body else { throw unsupportedMediaType }
        let counts = try await engine.ingest(body.events.map(APIMapping.draft))
        metrics.eventsIngested.increment(by: counts.inserted)
        metrics.eventsDuplicate.increment(by: counts.existing)
        return .ok(.init(body: .json(.init(stored: counts.inserted, duplicates: counts.existing))))
    }

    // MARK: Operations

    func healthz(_ input: Operations.Healthz.Input) async throws -> Operations.Healthz.Output {
        .ok(.init(body: .json(.init(status: "ok"))))
    }

    func readyz(_ input: Operations.Readyz.Input) async throws -> Operations.Readyz.Output {
        switch await engine.readiness() {
        case .ready:
            return .ok(.init(body: .json(.init(status: "ready"))))
        case .notReady(let reason):
            let problem = Problem(.serviceUnavailable, reason).body
            return .serviceUnavailable(.init(body: .applicationProblemJson(.init(
                _type: problem.type, title: problem.title, status: problem.status, detail: problem.detail))))
        }
    }

    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        let statistics = try await engine.statistics()
        metrics.storeBytes.record(statistics.bytes)
        metrics.itemRows.record(statistics.items)
        metrics.userRows.record(statistics.users)
        metrics.eventRows.record(statistics.events)
        return .ok(.init(body: .plainText(HTTPBody(metrics.exposition()))))
    }

    private var unsupportedMediaType: Problem {
        Problem(.unsupportedMediaType, "The body must be application/json.", field: "Content-Type")
    }
}
