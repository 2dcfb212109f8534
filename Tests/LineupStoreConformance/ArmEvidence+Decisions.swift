import LineupStore

/// Evidence is kept per (surface, segment, arm): the row a settled decision adds to.
extension ArmEvidence {
    func isRow(of decision: LayoutDecision) -> Bool {
        surface == decision.surface && segment == decision.segment && arm == decision.arm
    }
}
