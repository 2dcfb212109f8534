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
        try ServiceError.checked { () throws(ValidationError) in
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
            throw ServiceError.conflict(
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
        guard let layouts = bandit.layouts(of: surface) else { throw ServiceError.notFound(kind: "surface", id: surface) }
        return layouts
    }

    /// Reads the surfaces' layouts and evidence from the store (`warmUp` does it too).
    public func loadLayouts() async throws {
        bandit.load(surfaces: try await store.surfaceLayouts(), evidence: EvidenceTable(stored: try await store.armEvidence()))
    }

    /// The bandit's layout for one request of `surface`, or nil when the surface has no
    /// active layouts: what every rank response carries.
    /// `exploit` serves as a frozen surface would (an experiment's variant may ask for it).
    public func chooseLayout(
        surface: String, userId: String, context: [String: String], at time: Date? = nil, exploit: Bool = false
    ) -> LayoutChoice? {
        let segment = bandit.configuration.segment(context: context, role: features.role(of: userId))
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
    /// counted once: the store marks it and, in the same transaction, stores the evidence
    /// the bandit's rule (`EvidenceTable.record`) computes from it; the same rule then adds
    /// it in memory, and the policy redraws. The settler service runs it every few seconds;
    /// ingestion runs it for the requests its events name.
    public func settleLayouts(requestIds: [String] = []) async throws {
        let time = now()
        let policy = bandit.configuration
        let written = Mutex<[ArmEvidence]>([])
        let settled = try await store.settleLayouts(
            LayoutSettlement(
                requestIds: requestIds,
                closeBefore: requestIds.isEmpty ? time.addingTimeInterval(-policy.window - configuration.maxClockSkew) : nil,
                rewardTypes: policy.rewardTypes, window: policy.window, clockSkew: configuration.maxClockSkew)
        ) { settled, stored in
            // Only the rows the decisions count in are read, and only those changed go back.
            var table = EvidenceTable()
            var changed: [String: EvidenceTable.Row] = [:]
            for decision in settled {
                for segment in EvidenceTable.segments(countingIn: decision.segment)
                where table.evidence(surface: decision.surface, segment: segment, arm: decision.arm) == nil {
                    if let row = try stored(decision.surface, segment, decision.arm) { table.set(EvidenceTable.Row(row)) }
                }
                let rows = table.record(
                    surface: decision.surface, segment: decision.segment, arm: decision.arm, reward: decision.reward == 1,
                    at: time, halfLife: policy.halfLife)
                for row in rows { changed["\(row.surface)\u{0}\(row.segment)\u{0}\(row.arm)"] = row }
            }
            let rows = changed.values.map(ArmEvidence.init)
            written.withLock { $0 = rows }
            return rows
        }
        // The rows as stored, not the arithmetic again: what every replica reads back.
        if !settled.isEmpty { bandit.store(written.withLock { $0 }.map(EvidenceTable.Row.init)) }
        if requestIds.isEmpty { bandit.refresh(at: time) }
    }
}

extension ArmEvidence {
    /// A row of the bandit's table, as the store keeps it.
    init(_ row: EvidenceTable.Row) {
        self.init(
            surface: row.surface, segment: row.segment, arm: row.arm, successes: row.evidence.successes,
            failures: row.evidence.failures, updatedAt: row.evidence.updatedAt)
    }
}

extension EvidenceTable {
    /// The stored evidence, read with the bandit's arithmetic.
    init(stored: [ArmEvidence]) {
        self.init(stored.map(Row.init))
    }
}

extension EvidenceTable.Row {
    /// A stored row, read with the bandit's arithmetic.
    init(_ stored: ArmEvidence) {
        self.init(
            surface: stored.surface, segment: stored.segment, arm: stored.arm, successes: stored.successes,
            failures: stored.failures, updatedAt: stored.updatedAt)
    }
}
