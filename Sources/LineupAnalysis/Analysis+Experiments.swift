import Foundation
import LineupBandit
import LineupCore
import LineupStatistics
import LineupStore

extension Analysis {
    /// Fewer users than this in a variant and its intervals are flagged.
    public static let minimumUsersPerVariant = 100

    /// The analysis of an experiment from the impression log and its events. An engagement
    /// is an event that would label a widget (a positive `label_grades` type, dwell aside)
    /// carrying the request id within the label window. Responses still buffered are
    /// written first, so the rates count every request the NDCG counts.
    public func analyzeExperiment(id: String) async throws -> ExperimentAnalysis {
        await pendingWrites()
        guard let experiment = try await store.experiments().first(where: { $0.id == id }) else {
            throw ServiceError.notFound(kind: "experiment", id: id)
        }
        let status = ExperimentStatus(experiment, at: now())
        let labels = configuration.labels
        let units = try await store.experimentUnits(
            experiment: id, engagementTypes: labels.engagementTypes, window: labels.window, clockSkew: labels.clockSkew)
        let exposed = try await store.exposures(experiment: id)
        let evaluation = try await evaluate(ImpressionQuery(experiment: id), cutoffs: [5])
        let byVariant = Dictionary(grouping: units, by: \.variant)

        func totals(_ variant: String) -> (requests: Int, engaged: Int, widgets: Int) {
            (byVariant[variant] ?? []).reduce((0, 0, 0)) { ($0.0 + $1.requests, $0.1 + $1.engagedRequests, $0.2 + $1.engagedWidgets) }
        }
        /// A count per request with users as the unit; nil below two users.
        func perRequest(_ variant: String, _ count: (ExperimentUnit) -> Int) -> RatioEstimate? {
            let users = byVariant[variant] ?? []
            guard users.count >= 2 else { return nil }
            return RatioEstimate(numerators: users.map { Double(count($0)) }, denominators: users.map { Double($0.requests) })
        }
        var engagedPerRequest: [String: RatioEstimate] = [:], widgetsPerRequest: [String: RatioEstimate] = [:]
        for variant in experiment.variants {
            engagedPerRequest[variant.id] = perRequest(variant.id, \.engagedRequests)
            widgetsPerRequest[variant.id] = perRequest(variant.id, \.engagedWidgets)
        }
        func perUserRates(_ variant: String) -> [Double] {
            (byVariant[variant] ?? []).map { Double($0.engagedRequests) / Double($0.requests) }
        }
        let control = totals(experiment.control)
        var warnings: [String] = []
        let variants = experiment.variants.map { variant -> ExperimentAnalysis.Variant in
            let own = totals(variant.id)
            let users = byVariant[variant.id] ?? []
            var comparison: ExperimentAnalysis.Comparison?
            if variant.id != experiment.control, control.requests > 0, own.requests > 0 {
                let controlRates = perUserRates(experiment.control), ownRates = perUserRates(variant.id)
                let bayes = BayesianComparison(
                    controlSuccesses: control.engaged, controlTrials: control.requests, treatmentSuccesses: own.engaged,
                    treatmentTrials: own.requests,
                    controlDesignEffect: engagedPerRequest[experiment.control]?.designEffect(trials: Double(control.requests)) ?? 1,
                    treatmentDesignEffect: engagedPerRequest[variant.id]?.designEffect(trials: Double(own.requests)) ?? 1)
                comparison = ExperimentAnalysis.Comparison(
                    requests: ProportionComparison(
                        controlSuccesses: Double(control.engaged), controlTrials: Double(control.requests),
                        treatmentSuccesses: Double(own.engaged), treatmentTrials: Double(own.requests)),
                    requestsByUser: engagedPerRequest[experiment.control].flatMap { control in
                        engagedPerRequest[variant.id].map { RatioComparison(control: control, treatment: $0) }
                    },
                    perUser: controlRates.count >= 2 && ownRates.count >= 2
                        ? WelchComparison(control: controlRates, treatment: ownRates) : nil,
                    widgets: widgetsPerRequest[experiment.control].flatMap { control in
                        widgetsPerRequest[variant.id].map { RatioComparison(control: control, treatment: $0) }
                    },
                    chanceToBeatControl: bayes.chanceToBeatControl, expectedLoss: bayes.expectedLoss)
            }
            var warning: String?
            if users.count < Self.minimumUsersPerVariant {
                warning = "only \(users.count) users: too few for the intervals to mean much (at least \(Self.minimumUsersPerVariant))"
                warnings.append("variant \(variant.id): \(warning!)")
            }
            return ExperimentAnalysis.Variant(
                variant: variant.id, weight: variant.weight, usersExposed: exposed[variant.id] ?? 0, requests: own.requests,
                engagedRequests: own.engaged,
                requestRate: RateInterval(successes: Double(own.engaged), trials: Double(own.requests)),
                userRate: engagedPerRequest[variant.id],
                engagedWidgets: own.widgets, widgetsPerRequest: widgetsPerRequest[variant.id],
                ndcgAt5: evaluation.byVariant[variant.id]?.cutoffs.first?.ndcg, versusControl: comparison, warning: warning)
        }
        let sampleRatio = SampleRatioTest(
            observed: experiment.variants.map { exposed[$0.id] ?? 0 }, weights: experiment.variants.map(\.weight))
        if sampleRatio.mismatch {
            warnings.insert(
                "SAMPLE RATIO MISMATCH: users per variant \(experiment.variants.map { exposed[$0.id] ?? 0 }) do not follow the weights "
                    + "\(experiment.variants.map(\.weight)) (chi-square p = \(String(format: "%.2g", sampleRatio.pValue))); "
                    + "the assignment or the logging is broken, and no other number here can be trusted",
                at: 0)
        }
        return ExperimentAnalysis(
            experiment: id, status: status, control: experiment.control, variants: variants, sampleRatio: sampleRatio,
            warnings: warnings)
    }
}
