extension Simulator {
    /// Every day of the window, served by `policy` (the editors' `defaultDashboard` when nil),
    /// as a sequence of per-day batches. This is the demo history:
    ///
    /// ```swift
    /// for day in simulator.days() { try store.insert(day.events) }
    /// ```
    public func days(policy: (any RankingPolicy)? = nil) -> Simulation {
        Simulation(simulator: self, policy: policy ?? defaultDashboard)
    }
}
