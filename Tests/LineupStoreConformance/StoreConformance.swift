import LineupStore

/// The behaviour every `Store` promises, written once against the protocol.
///
/// The engine and the analyses know only `any Store`; what they may rely on is what these
/// checks assert, so a backend that passes them can replace another without the engine
/// noticing. Expectations are derived from what each check writes and from the rules the
/// protocol documents (the label rule in Swift, `ImpressionQuery`'s meaning, the settling
/// of rewards), never copied from what some backend returned.
///
/// A backend's test target runs them all, each on a fresh empty store:
///
///     @Test(arguments: StoreConformance.checks)
///     func conformance(_ check: StoreConformance.Check) async throws {
///         try await check.run(on: try MyStore())
///     }
public enum StoreConformance {
    public static let checks: [Check] =
        itemChecks + userChecks + eventChecks + impressionChecks + labelChecks + layoutChecks + experimentChecks + healthChecks
}
