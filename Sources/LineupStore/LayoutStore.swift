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
    /// with their reward. In the same transaction, `update` is given the stored evidence of
    /// every surface a settled decision belongs to, with the settled decisions, and returns
    /// the rows to store (upserted; rows it leaves out stay as they are). The arithmetic is
    /// the caller's; the store makes it happen exactly once with the settling.
    func settleLayouts(
        _ settlement: LayoutSettlement,
        update: @escaping @Sendable (_ stored: [ArmEvidence], _ settled: [LayoutDecision]) throws -> [ArmEvidence]
    ) async throws -> [LayoutDecision]

    /// Forgets a surface's evidence (its decisions and their rewards stay in the log).
    func resetEvidence(surface: String) async throws

    /// Calls `body` with each logged layout decision matching `query`, oldest first.
    func scanLayoutDecisions(_ query: ImpressionQuery, _ body: @escaping @Sendable (LayoutDecision) throws -> Void) async throws
}
