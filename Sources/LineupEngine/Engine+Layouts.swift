import Foundation
import LineupBandit
import LineupCore
import LineupStore
import Synchronization

extension Engine {
    /// Most layouts one surface may have (retired ones included).
    public static let maxLayouts = 64

    /// Sets a surface's layouts: listed ids are added or changed, ids no longer listed are
    /// retired (never chosen again; their history stays). A new arm starts from the prior.
    /// A retired id cannot come back: a layout that changed meaning needs a new id, or its
    /// old evidence would speak for it.
    public func putLayouts(surface: String, _ drafts: [LayoutDraft]) async throws -> SurfaceLayouts {
        let existing = bandit.layouts(of: surface)
        try checked { () throws(ValidationError) in
            try Identifier.validate(surface, field: "surface")
            var seen = Set<String>()
            for (index, draft) in drafts.enumerated() {
                try Identifier.validate(draft.id, field: "layouts[\(index)].id")
                guard seen.insert(draft.id).inserted else {
                    throw ValidationError(field: "layouts[\(index)].id", reason: "'\(draft.id)' is listed twice")
                }
                guard !draft.name.trimmingCharacters(in: .whitespaces).isEmpty, draft.name.count <= 200 else {
                    throw ValidationError(field: "layouts[\(index)].name", reason: "must be 1 to 200 characters")
                }
            }
            let total = Set((existing?.arms.map(\.id) ?? []) + drafts.map(\.id)).count
            guard total <= Self.maxLayouts else {
                throw ValidationError(field: "layouts", reason: "a surface has at most \(Self.maxLayouts) layouts, retired ones included")
            }
        }
        for (index, draft) in drafts.enumerated() where existing?.arms.first(where: { $0.id == draft.id })?.retired == true {
            throw EngineError.conflict(
                field: "layouts[\(index)].id", reason: "layout '\(draft.id)' was retired; give the new layout another id")
        }
        let time = now()
        let listed = Dictionary(uniqueKeysWithValues: drafts.map { ($0.id, $0) })
        var arms = (existing?.arms ?? []).map { arm -> LayoutArm in
            var arm = arm
            if let draft = listed[arm.id] {
                if draft.name != arm.name || draft.params != arm.params { arm.updatedAt = time }
                arm.name = draft.name
                arm.params = draft.params
            } else if !arm.retired {
                arm.retired = true
                arm.updatedAt = time
            }
            return arm
        }
        let known = Set(arms.map(\.id))
        for draft in drafts where !known.contains(draft.id) {
            arms.append(LayoutArm(id: draft.id, name: draft.name, params: draft.params, createdAt: time, updatedAt: time))
        }
        let layouts = SurfaceLayouts(surface: surface, arms: arms, frozen: existing?.frozen ?? false)
        try await store.saveSurfaceLayouts(layouts)
        bandit.set(layouts, at: time)
        return layouts
    }

    /// A surface's layouts, retired ones included.
    public func layouts(surface: String) throws -> SurfaceLayouts {
        guard let layouts = bandit.layouts(of: surface) else { throw EngineError.notFound(kind: "surface", id: surface) }
        return layouts
    }

    /// Reads the surfaces' layouts and evidence from the store (`warmUp` does it too).
    public func loadLayouts() async throws {
        bandit.load(surfaces: try await store.surfaceLayouts(), evidence: try await store.armEvidence())
    }

    /// The bandit's layout for one request of `surface`, or nil when the surface has no
    /// active layouts: what every rank response carries.
    /// `exploit` serves as a frozen surface would (an experiment's variant may ask for it).
    public func chooseLayout(
        surface: String, userId: String, context: [String: String], at time: Date? = nil, exploit: Bool = false
    ) -> LayoutChoice? {
        let segment = bandit.segment(context: context, role: features.role(of: userId))
        return bandit.decide(surface: surface, segment: segment, at: time ?? now(), exploit: exploit)
    }

    /// Every configured surface.
    public var surfaces: [SurfaceLayouts] { bandit.allLayouts }

    /// Freezes a surface (exploit only: the best posterior mean, propensity 1) or lets it
    /// explore again.
    public func setFrozen(surface: String, _ frozen: Bool) async throws -> BanditState {
        var layouts = try layouts(surface: surface)
        layouts.frozen = frozen
        try await store.saveSurfaceLayouts(layouts)
        bandit.set(layouts, at: now())
        return try banditState(surface: surface)
    }

    /// Forgets a surface's evidence: every arm starts again from the prior. Decisions and
    /// their rewards stay in the impression log.
    public func resetBandit(surface: String) async throws -> BanditState {
        _ = try layouts(surface: surface)
        try await store.resetEvidence(surface: surface)
        bandit.resetEvidence(surface: surface, at: now())
        return try banditState(surface: surface)
    }

    /// The posteriors of a surface, for the whole surface and each segment with evidence.
    public func banditState(surface: String) throws -> BanditState {
        let layouts = try layouts(surface: surface)
        let time = now()
        let segments = [""] + bandit.segments(of: surface)
        return BanditState(
            surface: surface, frozen: layouts.frozen, prior: bandit.configuration.prior,
            minimumSegmentEvidence: bandit.configuration.minimumSegmentEvidence,
            segments: segments.map { segment in
                let found = bandit.posteriors(surface: surface, segment: segment, at: time)
                let best = found.isEmpty
                    ? [] : ThompsonSampling(posteriors: found.map(\.posterior), draws: bandit.configuration.draws).propensities
                return BanditState.Segment(
                    segment: segment, ownEvidence: segment.isEmpty || bandit.evidenceSegment(segment, of: surface) == segment,
                    arms: found.enumerated().map { index, entry in
                        BanditState.Arm(
                            arm: entry.arm.id, name: entry.arm.name, successes: entry.evidence.successes,
                            failures: entry.evidence.failures, posteriorMean: entry.posterior.mean,
                            probabilityBest: best[index])
                    })
            })
    }

    /// Settles layout rewards: the decisions of `requestIds` that an event rewarded get 1
    /// now; every decision whose attribution window has closed gets its 1 or 0. Each is
    /// counted once, in the store and in memory, and the policy redraws from the new
    /// evidence. `serve` runs it every few seconds; ingestion runs it for the requests its
    /// events name.
    public func settleLayouts(requestIds: [String] = []) async throws {
        let time = now()
        let policy = bandit.configuration
        let settled = try await store.settleLayouts(
            LayoutSettlement(
                requestIds: requestIds,
                closeBefore: requestIds.isEmpty ? time.addingTimeInterval(-policy.window - configuration.maxClockSkew) : nil,
                rewardTypes: policy.rewardTypes, window: policy.window, clockSkew: configuration.maxClockSkew,
                halfLife: policy.halfLife, now: time))
        bandit.record(settled, at: time)
        if requestIds.isEmpty { bandit.refresh(at: time) }
    }

    /// Settles layout rewards every `interval` until cancelled (what `serve` runs).
    public func runLayoutSettling(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                try await settleLayouts()
            } catch {
                logger.warning("layout rewards not settled; trying again", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Off-policy evaluation of the logged layout decisions of each surface in `query`
    /// (one surface when it names one): per arm what it earned, and IPS and self-normalised
    /// IPS estimates of always choosing each arm, choosing uniformly among today's active
    /// arms, and choosing greedily by today's posterior means.
    public func evaluateLayouts(_ query: ImpressionQuery) async throws -> [LayoutEvaluation] {
        let collected = Mutex<[String: [LayoutDecision]]>([:])
        try await store.scanLayoutDecisions(query) { decision in
            collected.withLock { $0[decision.surface, default: []].append(decision) }
        }
        let time = now()
        return collected.withLock { $0 }.keys.sorted().map { surface in
            let decisions = collected.withLock { $0[surface] ?? [] }
            return evaluation(surface: surface, decisions: decisions, at: time)
        }
    }

    private func evaluation(surface: String, decisions: [LayoutDecision], at time: Date) -> LayoutEvaluation {
        let configured = bandit.layouts(of: surface)?.arms ?? []
        let loggedIds = decisions.map(\.arm)
        var armIds = configured.map(\.id)
        for id in loggedIds where !armIds.contains(id) { armIds.append(id) }
        let surfaceWide = bandit.posteriors(surface: surface, segment: "", at: time)
        let best = surfaceWide.isEmpty
            ? [] : ThompsonSampling(posteriors: surfaceWide.map(\.posterior), draws: bandit.configuration.draws).propensities
        let settled = decisions.filter { $0.reward != nil }
        let arms = armIds.map { id -> LayoutEvaluation.Arm in
            let own = decisions.filter { $0.arm == id }
            let ownSettled = own.filter { $0.reward != nil }
            let rewards = ownSettled.filter { $0.reward == 1 }.count
            let arm = configured.first { $0.id == id }
            let index = surfaceWide.firstIndex { $0.arm.id == id }
            return LayoutEvaluation.Arm(
                arm: id, name: arm?.name ?? id, retired: arm?.retired ?? true, decisions: own.count,
                settled: ownSettled.count, rewards: rewards,
                rewardRate: RateInterval(successes: Double(rewards), trials: Double(ownSettled.count)),
                posteriorMean: index.map { surfaceWide[$0].posterior.mean }, probabilityBest: index.map { best[$0] })
        }
        // The greedy policy of today, per segment the decisions came from.
        var greedy: [String: String] = [:]
        for segment in Set(settled.map(\.segment)) {
            let evidenceSegment = bandit.evidenceSegment(segment, of: surface)
            let found = bandit.posteriors(surface: surface, segment: evidenceSegment, at: time)
            // The largest posterior mean, the first on ties: what a frozen surface serves.
            var chosen: Int?
            for index in found.indices where chosen == nil || found[index].posterior.mean > found[chosen!].posterior.mean {
                chosen = index
            }
            if let chosen { greedy[segment] = found[chosen].arm.id }
        }
        let active = Set(configured.filter { !$0.retired }.map(\.id))
        func estimate(_ target: (LayoutDecision) -> Double) -> OffPolicyEstimate {
            OffPolicyEstimate(
                settled.map { LoggedDecision(propensity: $0.propensity, reward: Double($0.reward ?? 0), target: target($0)) })
        }
        var policies = armIds.map { id in
            LayoutEvaluation.Policy(policy: "always:\(id)", estimate: estimate { $0.arm == id ? 1 : 0 })
        }
        if !active.isEmpty {
            policies.append(
                LayoutEvaluation.Policy(
                    policy: "uniform", estimate: estimate { active.contains($0.arm) ? 1 / Double(active.count) : 0 }))
        }
        policies.append(LayoutEvaluation.Policy(policy: "greedy", estimate: estimate { greedy[$0.segment] == $0.arm ? 1 : 0 }))
        return LayoutEvaluation(
            surface: surface, decisions: decisions.count, pending: decisions.count - settled.count, arms: arms,
            policies: policies)
    }
}
