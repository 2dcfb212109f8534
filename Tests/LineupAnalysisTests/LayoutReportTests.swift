import Foundation
import LineupAnalysis
import LineupCore
import LineupEngine
import Testing

/// Off-policy reports of the layout bandit's log, read from the store with the serving
/// policy's rules.
@Suite struct LayoutReportTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func offPolicyEstimatesOnUniformlyLoggedDataRecoverEachArmsRate() async throws {
        let log = try ServedLog(start: start) {
            $0.maxClockSkew = 60
            $0.layouts.seed = 7
        }
        let engine = log.engine
        _ = try await engine.importItems([
            ItemDraft(id: "a", title: "Revenue", type: "kpi", embedding: [1, 0]),
            ItemDraft(id: "b", title: "Churn", type: "chart", embedding: [0, 1]),
        ])
        _ = try await engine.putLayouts(
            surface: "home", ["grid", "list", "compact"].map { LayoutDraft(id: $0, name: "Layout \($0)") })
        let rates = ["grid": 0.2, "list": 0.5, "compact": 0.35]
        // Settled only at the end, the policy stays at its prior: uniform logging.
        var random = SeededGenerator(seed: 4)
        for index in 0..<3_000 {
            log.clock.advance(10)
            let user = "u\(index % 13)"
            let ranking = try await engine.rank(RankRequest(userId: user, surface: "home", k: 2, context: ["device": "desktop"]))
            await engine.impressions.flush()
            if random.nextUnit() < rates[ranking.layout!.arm]! {
                _ = try await engine.ingest([
                    EventDraft(
                        eventId: "\(ranking.requestId)-open", userId: user, itemId: ranking.items[0].itemId, type: .open,
                        timestamp: log.clock.now.addingTimeInterval(5), requestId: ranking.requestId)
                ])
            }
        }
        log.clock.advance(30 * 60 + 61)
        try await engine.settleLayouts()
        let evaluation = try #require(try await log.analysis.evaluateLayouts(.init(surface: "home")).first)
        #expect(evaluation.decisions == 3_000 && evaluation.pending == 0)
        for (arm, rate) in rates {
            let estimate = try #require(evaluation.policies.first { $0.policy == "always:\(arm)" }?.estimate)
            #expect(estimate.ipsLower <= rate && rate <= estimate.ipsUpper, "IPS of \(arm): \(estimate)")
            #expect(estimate.snipsLower <= rate && rate <= estimate.snipsUpper, "SNIPS of \(arm): \(estimate)")
            let logged = try #require(evaluation.arms.first { $0.arm == arm })
            #expect(logged.rewardRate.lower <= rate && rate <= logged.rewardRate.upper)
        }
        let uniform = try #require(evaluation.policies.first { $0.policy == "uniform" }?.estimate)
        let mean = rates.values.reduce(0, +) / 3
        #expect(uniform.snipsLower <= mean && mean <= uniform.snipsUpper)
        // Greedy today is always `list`.
        let greedy = try #require(evaluation.policies.first { $0.policy == "greedy" }?.estimate)
        #expect(greedy.snipsLower <= 0.5 && 0.5 <= greedy.snipsUpper)
    }
}
