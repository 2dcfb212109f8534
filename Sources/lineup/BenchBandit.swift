import ArgumentParser
import Foundation
import LineupBandit
import LineupCore
import LineupEngine
import LineupSQLite

/// The layout bandit's cost per decision, propensity included, through the engine, and
/// what a redraw of its posterior bank costs (done off the request path after rewards).
struct BenchBandit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bandit",
        abstract: "Time a layout decision (Engine.chooseLayout, propensity included) and a posterior bank redraw."
    )

    @Option(help: "Layouts (arms) on the surface.")
    var arms = 8

    @Option(help: "Decisions timed per round.")
    var decisions = 200_000

    @Option(help: "Rounds; medians are reported.")
    var rounds = 7

    @Option(help: "Joint posterior draws per bank.")
    var draws = 10_000

    func run() async throws {
        guard arms >= 1, arms <= Engine.maxLayouts, decisions > 0, rounds > 0, draws > 0 else {
            throw ValidationError("--arms must be in 1...\(Engine.maxLayouts); --decisions, --rounds and --draws positive")
        }
        var configuration = Engine.Configuration(embeddingDimension: 4)
        configuration.layouts.draws = draws
        configuration.layouts.minimumSegmentEvidence = 50
        let engine = Engine(configuration: configuration, store: try SQLiteStore())
        _ = try await engine.putLayouts(surface: "home", (0..<arms).map { LayoutDraft(id: "layout-\($0)", name: "Layout \($0)") })
        let roles = ["analyst", "executive", "engineer", "marketer"], devices = ["desktop", "tablet", "mobile"]
        _ = try await engine.importUsers((0..<1_000).map { UserDraft(id: "u\($0)", role: roles[$0 % roles.count]) })
        // Evidence in every segment, so decisions read segment banks, not only the surface's.
        var generator = SeededGenerator(seed: 1)
        for index in 0..<4_000 {
            let user = "u\(index % 1_000)", device = devices[index % devices.count]
            let ranking = try await engine.rank(RankRequest(userId: user, surface: "home", k: 1, context: ["device": device]))
            await engine.impressions.flush()
            if generator.nextUnit() < 0.3, let item = ranking.items.first {
                _ = try await engine.ingest([
                    EventDraft(eventId: "e\(index)", userId: user, itemId: item.itemId, type: .open, timestamp: Date(),
                               requestId: ranking.requestId)
                ])
            }
        }
        try await engine.settleLayouts()
        Console.line(
            "bandit bench: \(arms) layouts, \(draws) draws per bank, \(roles.count * devices.count) segments with evidence, "
                + "\(decisions) decisions per round, \(rounds) rounds")

        let contexts = devices.map { ["device": $0] }
        var perDecision: [Double] = []
        var sink = 0.0
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            for index in 0..<decisions {
                let choice = engine.chooseLayout(surface: "home", userId: "u\(index % 1_000)", context: contexts[index % 3])
                sink += choice?.propensity ?? 0
            }
            perDecision.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(decisions) / 1_000)
        }
        let posteriors = (0..<arms).map { BetaPosterior(alpha: 20 + Double($0), beta: 180 - Double($0)) }
        var redraws: [Double] = []
        for round in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            let policy = ThompsonSampling(posteriors: posteriors, draws: draws, seed: UInt64(round))
            redraws.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000)
            sink += policy.propensities[0]
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        Console.line(
            String(
                format: "decision (segment, bank, arm, propensity): median %.3f µs (%.3f–%.3f) per decision; target ≤ 20 µs: %@",
                median(perDecision), perDecision.min()!, perDecision.max()!, median(perDecision) <= 20 ? "met" : "not met"))
        Console.line(
            String(
                format: "bank redraw (%d draws × %d arms, after rewards, off the request path): median %.0f µs (%.0f–%.0f)",
                draws, arms, median(redraws), redraws.min()!, redraws.max()!))
        if sink.isNaN { Console.line("") }
    }
}
