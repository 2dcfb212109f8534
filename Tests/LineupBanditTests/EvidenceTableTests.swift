import Foundation
import LineupBandit
import Testing

/// The evidence arithmetic the settler runs in the store's transaction and the serving
/// bandit runs in memory: one decision counts in its segment and surface-wide, counts fade
/// by the half-life, and a thin segment borrows the surface's evidence.
@Suite struct EvidenceTableTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aDecisionCountsInItsSegmentAndSurfaceWide() {
        var table = EvidenceTable()
        table.record(surface: "home", segment: "device=mobile", arm: "list", reward: true, at: start, halfLife: nil)
        table.record(surface: "home", segment: "", arm: "grid", reward: false, at: start, halfLife: nil)
        #expect(table.evidence(surface: "home", segment: "device=mobile", arm: "list")?.successes == 1)
        #expect(table.evidence(surface: "home", segment: "", arm: "list")?.successes == 1)
        // Without a segment it counts once.
        #expect(table.evidence(surface: "home", segment: "", arm: "grid")?.failures == 1)
        #expect(table.segments(of: "home") == ["device=mobile"])
        #expect(table.rows.map { "\($0.segment)/\($0.arm)" } == ["/grid", "/list", "device=mobile/list"])
        // What a store keeps reads back as the same table.
        #expect(EvidenceTable(table.rows) == table)
    }

    @Test func countsFadeByTheHalfLife() throws {
        let day = 86_400.0
        var table = EvidenceTable()
        for _ in 0..<4 { table.record(surface: "s", segment: "", arm: "a", reward: true, at: start, halfLife: day) }
        table.record(surface: "s", segment: "", arm: "a", reward: false, at: start.addingTimeInterval(day), halfLife: day)
        let evidence = try #require(table.evidence(surface: "s", segment: "", arm: "a"))
        #expect(evidence.successes == 2 && evidence.failures == 1 && evidence.updatedAt == start.addingTimeInterval(day))
        var policy = LayoutPolicy()
        policy.halfLife = day
        let found = table.posteriors(surface: "s", segment: "", arms: ["a", "new"], at: start.addingTimeInterval(2 * day), policy: policy)
        #expect(found[0].evidence.successes == 1 && found[0].evidence.failures == 0.5)
        #expect(found[0].posterior == BetaPosterior(alpha: 2, beta: 1.5), "the prior Beta(1, 1) plus the decayed counts")
        #expect(found[1].posterior == BetaPosterior(alpha: 1, beta: 1), "an arm without evidence has the prior")
    }

    @Test func aThinSegmentBorrowsTheSurface() {
        var policy = LayoutPolicy()
        policy.minimumSegmentEvidence = 3
        var table = EvidenceTable()
        for reward in [true, false] {
            table.record(surface: "s", segment: "device=tablet", arm: "a", reward: reward, at: start, halfLife: nil)
        }
        #expect(table.evidenceSegment("device=tablet", of: "s", policy: policy) == "")
        table.record(surface: "s", segment: "device=tablet", arm: "b", reward: true, at: start, halfLife: nil)
        #expect(table.evidenceSegment("device=tablet", of: "s", policy: policy) == "device=tablet")
        table.reset(surface: "s")
        #expect(table.rows.isEmpty)
    }

    @Test func theSegmentOfARequest() {
        let policy = LayoutPolicy()
        #expect(policy.segment(context: ["device": "mobile"], role: "analyst") == "device=mobile,role=analyst")
        #expect(policy.segment(context: ["device": "mobile", "role": "exec"], role: "analyst") == "device=mobile,role=exec")
        #expect(policy.segment(context: [:], role: nil) == "device=,role=")
        #expect(policy.segment(context: ["device": String(repeating: "x", count: 65)], role: nil) == "device=other,role=")
    }
}
