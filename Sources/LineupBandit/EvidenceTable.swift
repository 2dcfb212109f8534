import Foundation

/// Every arm's evidence, per surface and segment ("" for the whole surface): what the
/// serving bandit decides from, what settling adds to (in the store's transaction and in
/// memory, by the same `record`), and what the off-policy reports read back.
public struct EvidenceTable: Sendable, Equatable {
    /// One arm's evidence in one segment of one surface.
    public struct Row: Sendable, Equatable {
        public var surface: String
        /// "" for the whole surface.
        public var segment: String
        public var arm: String
        public var evidence: Evidence

        public init(surface: String, segment: String, arm: String, evidence: Evidence) {
            self.surface = surface
            self.segment = segment
            self.arm = arm
            self.evidence = evidence
        }

        /// A row as a store keeps it: plain counts as of `updatedAt`.
        public init(surface: String, segment: String, arm: String, successes: Double, failures: Double, updatedAt: Date) {
            self.init(
                surface: surface, segment: segment, arm: arm,
                evidence: Evidence(successes: successes, failures: failures, updatedAt: updatedAt))
        }
    }

    /// surface → segment → arm → evidence.
    private var cells: [String: [String: [String: Evidence]]] = [:]

    public init(_ rows: [Row] = []) {
        for row in rows { cells[row.surface, default: [:]][row.segment, default: [:]][row.arm] = row.evidence }
    }

    /// Every row, in (surface, segment, arm) order.
    public var rows: [Row] {
        cells.keys.sorted().flatMap { surface in
            let segments = cells[surface] ?? [:]
            return segments.keys.sorted().flatMap { segment in
                let arms = segments[segment] ?? [:]
                return arms.keys.sorted().map { Row(surface: surface, segment: segment, arm: $0, evidence: arms[$0]!) }
            }
        }
    }

    /// Counts one settled decision: in its segment and surface-wide, each decayed to `time`
    /// first (a decision without a segment counts once, surface-wide). Returns the rows it
    /// changed, as they are now: what a store writes back.
    @discardableResult
    public mutating func record(
        surface: String, segment: String, arm: String, reward: Bool, at time: Date, halfLife: TimeInterval?
    ) -> [Row] {
        Self.segments(countingIn: segment).map { key in
            cells[surface, default: [:]][key, default: [:]][arm, default: Evidence(updatedAt: time)]
                .add(reward: reward, at: time, halfLife: halfLife)
            return Row(surface: surface, segment: key, arm: arm, evidence: cells[surface]![key]![arm]!)
        }
    }

    /// The segments a decision made in `segment` counts in: its own and the whole surface
    /// (""), or only the surface when it had none.
    public static func segments(countingIn segment: String) -> [String] {
        segment.isEmpty ? [""] : [segment, ""]
    }

    /// Sets one row as a store holds it, before decisions are recorded over it.
    public mutating func set(_ row: Row) {
        cells[row.surface, default: [:]][row.segment, default: [:]][row.arm] = row.evidence
    }

    public func evidence(surface: String, segment: String, arm: String) -> Evidence? {
        cells[surface]?[segment]?[arm]
    }

    /// The segments with evidence on `surface`, "" left out.
    public func segments(of surface: String) -> [String] {
        (cells[surface] ?? [:]).keys.filter { !$0.isEmpty }.sorted()
    }

    /// Forgets a surface's evidence.
    public mutating func reset(surface: String) {
        cells[surface] = nil
    }

    /// `segment` when it has at least `policy.minimumSegmentEvidence` (decayed) settled
    /// decisions over all arms, else "": a thin segment decides with the surface's evidence.
    public func evidenceSegment(_ segment: String, of surface: String, policy: LayoutPolicy) -> String {
        let total = (cells[surface]?[segment] ?? [:]).values.reduce(0) { $0 + $1.successes + $1.failures }
        return total >= policy.minimumSegmentEvidence ? segment : ""
    }

    /// The evidence and posterior of each of `arms` in `segment` of `surface`, as of `time`
    /// (an arm without evidence has the prior).
    public func posteriors(
        surface: String, segment: String, arms: [String], at time: Date, policy: LayoutPolicy
    ) -> [(evidence: Evidence, posterior: BetaPosterior)] {
        let table = cells[surface]?[segment] ?? [:]
        return arms.map { arm in
            let evidence = (table[arm] ?? Evidence(updatedAt: time)).decayed(to: time, halfLife: policy.halfLife)
            return (evidence, evidence.posterior(prior: policy.prior))
        }
    }
}
