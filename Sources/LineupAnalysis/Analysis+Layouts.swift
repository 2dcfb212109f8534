import Foundation
import LineupBandit
import LineupStatistics
import LineupStore
import Synchronization

extension Analysis {
    /// Off-policy evaluation of the logged layout decisions of each surface in `query`
    /// (one surface when it names one): per arm what it earned, and IPS and self-normalised
    /// IPS estimates of always choosing each arm, choosing uniformly among today's active
    /// arms, and choosing greedily by today's posterior means (read from the stored evidence
    /// with the serving policy's rules).
    public func evaluateLayouts(_ query: ImpressionQuery) async throws -> [LayoutEvaluation] {
        await pendingWrites()
        let collected = Mutex<[String: [LayoutDecision]]>([:])
        try await store.scanLayoutDecisions(query) { decision in
            collected.withLock { $0[decision.surface, default: []].append(decision) }
        }
        let surfaces = Dictionary(try await store.surfaceLayouts().map { ($0.surface, $0) }, uniquingKeysWith: { first, _ in first })
        let evidence = EvidenceTable(try await store.armEvidence().map {
            .init(surface: $0.surface, segment: $0.segment, arm: $0.arm, successes: $0.successes, failures: $0.failures, updatedAt: $0.updatedAt)
        })
        let time = now()
        let decisions = collected.withLock { $0 }
        return decisions.keys.sorted().map { surface in
            evaluation(
                surface: surface, decisions: decisions[surface] ?? [], configured: surfaces[surface]?.arms ?? [],
                evidence: evidence, at: time)
        }
    }

    private func evaluation(
        surface: String, decisions: [LayoutDecision], configured: [LayoutArm], evidence: EvidenceTable, at time: Date
    ) -> LayoutEvaluation {
        let policy = configuration.layouts
        var armIds = configured.map(\.id)
        for id in decisions.map(\.arm) where !armIds.contains(id) { armIds.append(id) }
        let active = configured.filter { !$0.retired }.map(\.id)
        let surfaceWide = evidence.posteriors(surface: surface, segment: "", arms: active, at: time, policy: policy)
        let best = surfaceWide.isEmpty
            ? [] : ThompsonSampling(posteriors: surfaceWide.map(\.posterior), draws: policy.draws).propensities
        let settled = decisions.filter { $0.reward != nil }
        let arms = armIds.map { id -> LayoutEvaluation.Arm in
            let own = decisions.filter { $0.arm == id }
            let ownSettled = own.filter { $0.reward != nil }
            let rewards = ownSettled.filter { $0.reward == 1 }.count
            let arm = configured.first { $0.id == id }
            let index = active.firstIndex(of: id)
            return LayoutEvaluation.Arm(
                arm: id, name: arm?.name ?? id, retired: arm?.retired ?? true, decisions: own.count,
                settled: ownSettled.count, rewards: rewards,
                rewardRate: RateInterval(successes: Double(rewards), trials: Double(ownSettled.count)),
                posteriorMean: index.map { surfaceWide[$0].posterior.mean }, probabilityBest: index.map { best[$0] })
        }
        // The greedy policy of today, per segment the decisions came from.
        var greedy: [String: String] = [:]
        for segment in Set(settled.map(\.segment)) where !active.isEmpty {
            let evidenceSegment = evidence.evidenceSegment(segment, of: surface, policy: policy)
            let found = evidence.posteriors(surface: surface, segment: evidenceSegment, arms: active, at: time, policy: policy)
            greedy[segment] = active[ThompsonSampling.greedy(found.map(\.posterior))]
        }
        let activeSet = Set(active)
        func estimate(_ target: (LayoutDecision) -> Double) -> OffPolicyEstimate {
            OffPolicyEstimate(
                settled.map { LoggedDecision(propensity: $0.propensity, reward: Double($0.reward ?? 0), target: target($0)) })
        }
        var policies = armIds.map { id in
            LayoutEvaluation.Policy(policy: "always:\(id)", estimate: estimate { $0.arm == id ? 1 : 0 })
        }
        if !activeSet.isEmpty {
            policies.append(
                LayoutEvaluation.Policy(
                    policy: "uniform", estimate: estimate { activeSet.contains($0.arm) ? 1 / Double(activeSet.count) : 0 }))
        }
        policies.append(LayoutEvaluation.Policy(policy: "greedy", estimate: estimate { greedy[$0.segment] == $0.arm ? 1 : 0 }))
        return LayoutEvaluation(
            surface: surface, decisions: decisions.count, pending: decisions.count - settled.count, arms: arms,
            policies: policies)
    }
}
