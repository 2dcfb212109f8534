import Foundation
import LineupAPI
import LineupAnalysis
import LineupCore
import LineupEngine
import LineupEvaluation
import LineupModels
import LineupStatistics
import LineupStore
import OpenAPIRuntime

/// Conversions between the generated API types and Lineup's own. They live at the edge so
/// that nothing below the server depends on the generated code.
enum APIMapping {
    static func draft(_ body: Components.Schemas.ItemInput) throws -> ItemDraft {
        ItemDraft(
            id: body.id, title: body.title, description: body.description ?? "", type: body._type,
            tags: body.tags ?? [], embedding: body.embedding?.values,
            attributes: try attributes(body.attributes, field: "attributes"), active: body.active ?? true)
    }

    static func draft(_ body: Components.Schemas.BatchItem) throws -> ItemDraft {
        ItemDraft(
            id: body.id, title: body.title, description: body.description ?? "", type: body._type,
            tags: body.tags ?? [], embedding: body.embedding?.values,
            attributes: try attributes(body.attributes, field: "attributes"), active: body.active ?? true)
    }

    static func item(_ item: Item) throws -> Components.Schemas.Item {
        Components.Schemas.Item(
            id: item.id, title: item.title, description: item.description, _type: item.type, tags: item.tags,
            embedding: item.embedding.map(Embedding.init), attributes: try attributes(item.attributes), active: item.active,
            createdAt: item.createdAt, updatedAt: item.updatedAt)
    }

    static func draft(_ body: Components.Schemas.UserInput) throws -> UserDraft {
        UserDraft(
            id: body.id, role: body.role, team: body.team, timezone: body.timezone,
            attributes: try attributes(body.attributes, field: "attributes"),
            personalization: body.personalization ?? true)
    }

    static func user(_ user: User) throws -> Components.Schemas.User {
        Components.Schemas.User(
            id: user.id, role: user.role, team: user.team, timezone: user.timezone,
            attributes: try attributes(user.attributes), personalization: user.personalization,
            createdAt: user.createdAt, updatedAt: user.updatedAt)
    }

    static func draft(_ body: Components.Schemas.Event) -> EventDraft {
        EventDraft(
            eventId: body.eventId, userId: body.userId, sessionId: body.sessionId, itemId: body.itemId,
            type: EventType(body.type), value: body.value, timestamp: body.timestamp.date, requestId: body.requestId,
            context: body.context ?? [:])
    }

    static func storedEvent(_ event: Event) -> Components.Schemas.StoredEvent {
        Components.Schemas.StoredEvent(
            eventId: event.eventId, userId: event.userId, sessionId: event.sessionId, itemId: event.itemId,
            _type: .init(event.type), value: event.value, timestamp: event.timestamp, requestId: event.requestId,
            context: event.context.isEmpty ? nil : .init(additionalProperties: event.context),
            receivedAt: event.receivedAt)
    }

    static func impression(_ impression: Impression) -> Components.Schemas.LoggedImpression {
        Components.Schemas.LoggedImpression(
            requestId: impression.requestId, time: impression.time, surface: impression.surface,
            context: .init(additionalProperties: impression.context), experiment: impression.experiment,
            variant: impression.variant,
            ranker: .init(rawValue: impression.ranker) ?? .fallback, modelVersion: impression.modelVersion,
            layoutArm: impression.layoutArm, layoutPropensity: impression.layoutPropensity,
            schemaVersion: impression.schemaVersion,
            items: impression.items.map { item in
                .init(
                    itemId: item.itemId, position: item.position, score: item.score, retrievalScore: item.retrievalScore,
                    pinned: item.pinned, features: item.features.map { $0.isNaN ? nil : $0 })
            })
    }

    static func evaluation(_ evaluation: LogEvaluation) -> Components.Schemas.LogEvaluation {
        func groups(_ table: [String: EvaluationSummary]) -> Components.Schemas.LogEvaluation.ByDayPayload {
            .init(additionalProperties: table.mapValues(summary))
        }
        return Components.Schemas.LogEvaluation(
            overall: summary(evaluation.overall), byDay: groups(evaluation.byDay),
            byRanker: .init(additionalProperties: evaluation.byRanker.mapValues(summary)),
            byVariant: .init(additionalProperties: evaluation.byVariant.mapValues(summary)),
            replay: evaluation.replay.map {
                .init(model: $0.model, summary: summary($0.summary), skippedRequests: $0.skippedRequests)
            })
    }

    static func summary(_ summary: EvaluationSummary) -> Components.Schemas.EvaluationSummary {
        Components.Schemas.EvaluationSummary(
            requests: summary.requests, impressions: summary.impressions, requestsWithPositive: summary.requestsWithPositive,
            engagementRate: summary.engagementRate, auc: summary.auc, mrr: summary.mrr,
            cutoffs: summary.cutoffs.map { .init(k: $0.k, ndcg: $0.ndcg, recall: $0.recall) },
            positions: summary.positions.map {
                .init(position: $0.position, impressions: $0.impressions, engagementRate: $0.engagementRate)
            })
    }

    static func ranking(_ ranking: Ranking) throws -> Components.Schemas.Ranking {
        let ranker: Components.Schemas.Ranking.RankerPayload = switch ranking.ranker {
        case .twoStage: .twoStage
        case .fallback: .fallback
        case .popularity: .popularity
        }
        return Components.Schemas.Ranking(
            requestId: ranking.requestId, ranker: ranker, modelVersion: ranking.modelVersion,
            items: ranking.items.map { item in
                Components.Schemas.RankedItem(
                    itemId: item.itemId, position: item.position, score: item.score, retrievalScore: item.retrievalScore,
                    pinned: item.pinned,
                    contributions: item.contributions?.map { .init(feature: $0.feature, value: $0.value) },
                    reason: item.reason)
            },
            layout: try ranking.layout.map(layoutChoice), experiment: ranking.experiment, variant: ranking.variant)
    }

    static func draft(_ body: Components.Schemas.ExperimentInput) -> ExperimentDraft {
        ExperimentDraft(
            salt: body.salt,
            variants: body.variants.map { variant in
                Experiment.Variant(
                    id: variant.id, weight: variant.weight,
                    overrides: Experiment.Overrides(
                        ranker: variant.overrides?.ranker?.rawValue, modelVersion: variant.overrides?.modelVersion,
                        retrievalK: variant.overrides?.retrievalK, bandit: variant.overrides?.bandit?.rawValue))
            },
            control: body.control,
            targeting: Experiment.Targeting(surfaces: body.targeting?.surfaces, roles: body.targeting?.roles),
            start: body.start, stop: body.stop)
    }

    static func experiment(_ experiment: Experiment, status: ExperimentStatus) -> Components.Schemas.ExperimentInfo {
        Components.Schemas.ExperimentInfo(
            id: experiment.id, salt: experiment.salt,
            variants: experiment.variants.map { variant in
                let overrides = variant.overrides
                return Components.Schemas.ExperimentVariant(
                    id: variant.id, weight: variant.weight,
                    overrides: Components.Schemas.ExperimentOverrides(
                        ranker: overrides.ranker.flatMap { .init(rawValue: $0) }, modelVersion: overrides.modelVersion,
                        retrievalK: overrides.retrievalK, bandit: overrides.bandit.flatMap { .init(rawValue: $0) }))
            },
            control: experiment.control,
            targeting: Components.Schemas.ExperimentTargeting(
                surfaces: experiment.targeting.surfaces, roles: experiment.targeting.roles),
            start: experiment.start, stop: experiment.stop,
            status: Components.Schemas.ExperimentInfo.StatusPayload(rawValue: status.rawValue)!,
            createdAt: experiment.createdAt, updatedAt: experiment.updatedAt)
    }

    static func analysis(_ analysis: ExperimentAnalysis) -> Components.Schemas.ExperimentAnalysis {
        Components.Schemas.ExperimentAnalysis(
            experiment: analysis.experiment, status: .init(rawValue: analysis.status.rawValue)!, control: analysis.control,
            variants: analysis.variants.map { variant in
                Components.Schemas.VariantAnalysis(
                    variant: variant.variant, weight: variant.weight, usersExposed: variant.usersExposed,
                    requests: variant.requests, engagedRequests: variant.engagedRequests,
                    requestRate: rate(variant.requestRate.lower, variant.requestRate.rate, variant.requestRate.upper),
                    userRate: variant.userRate.map {
                        .init(ratio: $0.ratio, standardError: $0.standardError, lower: $0.lower, upper: $0.upper)
                    },
                    engagedWidgets: variant.engagedWidgets,
                    widgetsPerRequest: variant.widgetsPerRequest.map {
                        .init(ratio: $0.ratio, standardError: $0.standardError, lower: $0.lower, upper: $0.upper)
                    },
                    ndcgAt5: variant.ndcgAt5,
                    versusControl: variant.versusControl.map { comparison in
                        let requests = comparison.requests
                        return Components.Schemas.VariantComparison(
                            requests: .init(
                                difference: requests.difference, differenceLower: requests.differenceLower,
                                differenceUpper: requests.differenceUpper, relativeLift: requests.relativeLift,
                                relativeLower: requests.relativeLower, relativeUpper: requests.relativeUpper, z: requests.z,
                                pValue: requests.pValue),
                            requestsByUser: comparison.requestsByUser.map(Components.Schemas.RatioComparison.init),
                            perUser: comparison.perUser.map {
                                .init(
                                    difference: $0.difference, lower: $0.lower, upper: $0.upper, t: $0.t,
                                    degreesOfFreedom: $0.degreesOfFreedom, pValue: $0.pValue)
                            },
                            widgets: comparison.widgets.map(Components.Schemas.RatioComparison.init),
                            chanceToBeatControl: comparison.chanceToBeatControl, expectedLoss: comparison.expectedLoss)
                    },
                    warning: variant.warning)
            },
            sampleRatio: .init(
                chiSquare: analysis.sampleRatio.chiSquare, pValue: analysis.sampleRatio.pValue,
                mismatch: analysis.sampleRatio.mismatch),
            warnings: analysis.warnings)
    }

    static func layoutChoice(_ choice: LayoutChoice) throws -> Components.Schemas.LayoutChoice {
        Components.Schemas.LayoutChoice(
            arm: choice.arm, name: choice.name, params: try attributes(choice.params), propensity: choice.propensity)
    }

    static func layouts(_ layouts: SurfaceLayouts) throws -> Components.Schemas.SurfaceLayouts {
        Components.Schemas.SurfaceLayouts(
            surface: layouts.surface, frozen: layouts.frozen,
            layouts: try layouts.arms.map { arm in
                Components.Schemas.Layout(
                    id: arm.id, name: arm.name, params: try attributes(arm.params), retired: arm.retired,
                    createdAt: arm.createdAt, updatedAt: arm.updatedAt)
            })
    }

    static func bandit(_ state: BanditState) -> Components.Schemas.BanditState {
        Components.Schemas.BanditState(
            surface: state.surface, frozen: state.frozen, prior: .init(alpha: state.prior.alpha, beta: state.prior.beta),
            minimumSegmentEvidence: state.minimumSegmentEvidence,
            segments: state.segments.map { segment in
                Components.Schemas.BanditSegment(
                    segment: segment.segment, ownEvidence: segment.ownEvidence,
                    arms: segment.arms.map { arm in
                        Components.Schemas.BanditArm(
                            arm: arm.arm, name: arm.name, successes: arm.successes, failures: arm.failures,
                            posteriorMean: arm.posteriorMean, probabilityBest: arm.probabilityBest)
                    })
            })
    }

    static func rate(_ lower: Double, _ rate: Double, _ upper: Double) -> Components.Schemas.Rate {
        Components.Schemas.Rate(rate: rate, lower: lower, upper: upper)
    }

    static func layoutEvaluation(_ evaluation: LayoutEvaluation) -> Components.Schemas.LayoutEvaluation {
        Components.Schemas.LayoutEvaluation(
            surface: evaluation.surface, decisions: evaluation.decisions, pending: evaluation.pending,
            arms: evaluation.arms.map { arm in
                Components.Schemas.LayoutArmEvaluation(
                    arm: arm.arm, name: arm.name, retired: arm.retired, decisions: arm.decisions, settled: arm.settled,
                    rewards: arm.rewards,
                    rewardRate: rate(arm.rewardRate.lower, arm.rewardRate.rate, arm.rewardRate.upper),
                    posteriorMean: arm.posteriorMean, probabilityBest: arm.probabilityBest)
            },
            policies: evaluation.policies.map { policy in
                let estimate = policy.estimate
                return Components.Schemas.PolicyEstimate(
                    policy: policy.policy,
                    estimate: .init(
                        decisions: estimate.decisions, ips: estimate.ips, ipsLower: estimate.ipsLower,
                        ipsUpper: estimate.ipsUpper, snips: estimate.snips, snipsLower: estimate.snipsLower,
                        snipsUpper: estimate.snipsUpper, effectiveSampleSize: estimate.effectiveSampleSize))
            })
    }

    static func models(active: String?, entries: [ModelEntry]) throws -> Components.Schemas.ModelList {
        Components.Schemas.ModelList(
            active: active,
            models: try entries.map { entry in
                var info = Components.Schemas.ModelInfo(version: entry.version, status: .ready)
                switch entry.status {
                case .ready(let model):
                    info.objective = model.forest.objective.rawValue
                    info.trees = model.forest.trees.count
                    info.features = model.forest.featureCount
                case .rejected(let reason):
                    info.status = .rejected
                    info.reason = reason
                }
                if case .object(let card)? = entry.card {
                    info.card = .init(additionalProperties: try JSONDecoder().decode(
                        OpenAPIObjectContainer.self, from: JSONEncoder().encode(card)))
                }
                if let card = entry.trainedCard {
                    info.metrics = .init(
                        trainMetric: card.metrics.train, train: card.metrics.rounds.first { $0.round == card.metrics.bestRound }?.train,
                        validationMetric: card.metrics.validation, validation: card.metrics.bestValidation,
                        bestRound: card.metrics.bestRound, trainedAt: card.createdAt)
                }
                return info
            })
    }

    static func job(_ job: TrainingJob) throws -> Components.Schemas.TrainingJob {
        Components.Schemas.TrainingJob(
            jobId: job.id, trigger: job.trigger == "schedule" ? .schedule : .api,
            state: Components.Schemas.TrainingJob.StatePayload(rawValue: job.state.rawValue)!, startedAt: job.startedAt,
            finishedAt: job.finishedAt, rounds: job.rounds,
            progress: job.progress.map {
                .init(round: $0.round, seconds: $0.seconds, train: $0.train, validation: $0.validation)
            },
            version: job.card?.version,
            card: try job.card.map { .init(additionalProperties: try JSONDecoder().decode(OpenAPIObjectContainer.self, from: $0.json())) },
            activated: job.activated, error: job.error)
    }

    /// Free-form objects cross the boundary through JSON: the generated container holds
    /// untyped values, Lineup stores typed ones.
    static func attributes(_ container: Components.Schemas.Attributes?, field: String) throws -> [String: JSONValue] {
        guard let container else { return [:] }
        do {
            let data = try JSONEncoder().encode(container)
            return try JSONDecoder().decode([String: JSONValue].self, from: data)
        } catch {
            throw ValidationError(field: field, reason: "must be a JSON object")
        }
    }

    static func attributes(_ value: [String: JSONValue]) throws -> Components.Schemas.Attributes {
        try JSONDecoder().decode(Components.Schemas.Attributes.self, from: try JSONEncoder().encode(value))
    }
}

extension EventType {
    /// The spec's enum and Lineup's carry the same raw values; a test checks every case.
    init(_ type: Components.Schemas.EventType) {
        guard let mapped = EventType(rawValue: type.rawValue) else {
            preconditionFailure("openapi.yaml names event type '\(type.rawValue)', which LineupCore does not know")
        }
        self = mapped
    }
}

extension Components.Schemas.EventType {
    init(_ type: EventType) {
        guard let mapped = Self(rawValue: type.rawValue) else {
            preconditionFailure("LineupCore names event type '\(type.rawValue)', which openapi.yaml does not know")
        }
        self = mapped
    }
}

extension Components.Schemas.RatioComparison {
    init(_ comparison: RatioComparison) {
        self.init(
            difference: comparison.difference, lower: comparison.lower, upper: comparison.upper,
            relativeLift: comparison.relativeLift, relativeLower: comparison.relativeLower,
            relativeUpper: comparison.relativeUpper, z: comparison.z, pValue: comparison.pValue)
    }
}
