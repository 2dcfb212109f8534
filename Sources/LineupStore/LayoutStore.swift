import Foundation

/// Layouts, the bandit's evidence, and the settling of its rewards.
///
/// Decisions themselves are impressions (`layoutArm`, `layoutPropensity`, `layoutSegment`),
/// written by the impression log; settling sets their reward.
public protocol LayoutStore: Sendable {
    /// Every surface's layouts and state.
    func surfaceLayouts() async throws -> [SurfaceLayouts]

    /// Replaces a surface's arms and frozen flag, in one transaction.
    func saveSurfaceLayouts(_ layouts: SurfaceLayouts) async throws

    /// Every stored evidence row.
    func armEvidence() async throws -> [ArmEvidence]

    /// Settles what `settlement` names and returns the decisions it settled, each once ever,
    /// with their reward. In the same transaction, `update` is given the settled decisions
    /// and a reader of the stored evidence by (surface, segment, arm), and returns the rows
    /// to store (upserted; rows it leaves out stay as they are). The arithmetic, and which
    /// rows a decision counts in, are the caller's; the store makes them happen exactly once
    /// with the settling. If `update` throws, nothing is settled.
    func settleLayouts(
        _ settlement: LayoutSettlement,
        update: @escaping @Sendable (_ settled: [LayoutDecision], _ stored: EvidenceReader) throws -> [ArmEvidence]
    ) async throws -> [LayoutDecision]

    /// Forgets a surface's evidence (its decisions and their rewards stay in the log).
    func resetEvidence(surface: String) async throws

    /// Calls `body` with each logged layout decision matching `query`, oldest first.
    func scanLayoutDecisions(_ query: ImpressionQuery, _ body: @escaping @Sendable (LayoutDecision) throws -> Void) async throws
}

/// Reads one stored evidence row by surface, segment and arm, inside a settling transaction.
public typealias EvidenceReader = (_ surface: String, _ segment: String, _ arm: String) throws -> ArmEvidence?
