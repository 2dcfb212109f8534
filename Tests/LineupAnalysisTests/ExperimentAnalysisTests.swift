import Foundation
import LineupAnalysis
import LineupCore
import LineupEngine
import LineupStore
import Testing

/// Experiment analyses of what the engine served under each variant: counts, lifts and
/// tests, a broken split, too few users.
@Suite struct ExperimentAnalysisTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Two widgets, two users with roles, served by an engine whose log the analysis reads.
    func served() async throws -> ServedLog {
        let log = try ServedLog(start: start)
        _ = try await log.engine.importItems([
            ItemDraft(id: "a", title: "Revenue", type: "kpi", embedding: [1, 0]),
            ItemDraft(id: "b", title: "Churn", type: "chart", embedding: [0, 1]),
        ])
        _ = try await log.engine.importUsers([UserDraft(id: "analyst-1", role: "analyst"), UserDraft(id: "exec-1", role: "executive")])
        return log
    }

    /// Popularity against the fallback order, half the users each.
    func draft() -> ExperimentDraft {
        ExperimentDraft(
            salt: "s1",
            variants: [
                Experiment.Variant(id: "control", weight: 1, overrides: .init(ranker: "popularity")),
                Experiment.Variant(id: "treatment", weight: 1, overrides: .init(ranker: "retrieval", bandit: "off")),
            ],
            control: "control")
    }

    @Test func theAnalysisCountsWhatWasServedAndEngaged() async throws {
        let log = try await served()
        let (engine, clock) = (log.engine, log.clock)
        _ = try await engine.putExperiment(id: "exp", draft())
        let experiment = try engine.experiment(id: "exp").experiment
        var random = SeededGenerator(seed: 4)
        var served: [String: (requests: Int, engaged: Int, users: Set<String>)] = [:]
        for user in 0..<400 {
            for _ in 0..<(1 + user % 3) {
                clock.advance(1)
                let ranking = try await engine.rank(RankRequest(userId: "u\(user)", surface: "home", k: 2))
                let variant = try #require(ranking.variant)
                // The treatment engages more: 30% of its requests against 15%.
                let engaged = random.nextUnit() < (variant == "treatment" ? 0.3 : 0.15)
                if engaged {
                    _ = try await engine.ingest([
                        EventDraft(
                            eventId: "\(ranking.requestId)-open", userId: "u\(user)", itemId: ranking.items[0].itemId, type: .open,
                            timestamp: clock.now.addingTimeInterval(2), requestId: ranking.requestId),
                        // A view alone is no engagement, and a second event counts the request once.
                        EventDraft(
                            eventId: "\(ranking.requestId)-click", userId: "u\(user)", itemId: ranking.items[0].itemId, type: .click,
                            timestamp: clock.now.addingTimeInterval(3), requestId: ranking.requestId),
                    ])
                }
                served[variant, default: (0, 0, [])].requests += 1
                served[variant, default: (0, 0, [])].engaged += engaged ? 1 : 0
                served[variant, default: (0, 0, [])].users.insert("u\(user)")
            }
        }
        // Not flushed here: the analysis writes what the engine still buffers before it reads.
        let analysis = try await log.analysis.analyzeExperiment(id: "exp")
        #expect(analysis.status == .running && analysis.control == "control")
        #expect(analysis.variants.map(\.variant) == experiment.variants.map(\.id))
        for variant in analysis.variants {
            let truth = try #require(served[variant.variant])
            #expect(variant.requests == truth.requests && variant.engagedRequests == truth.engaged)
            // Each engaged request engaged one widget (twice).
            #expect(variant.engagedWidgets == truth.engaged)
            #expect(variant.usersExposed == truth.users.count)
            #expect(variant.requestRate.rate == Double(truth.engaged) / Double(truth.requests))
            #expect(abs(try #require(variant.userRate).ratio - Double(truth.engaged) / Double(truth.requests)) < 1e-12)
            #expect(variant.warning == nil)
        }
        let treatment = try #require(analysis.variants.first { $0.variant == "treatment" }?.versusControl)
        #expect(treatment.requests.difference > 0 && treatment.requests.pValue < 0.01)
        #expect(treatment.chanceToBeatControl > 0.99)
        #expect(try #require(treatment.perUser).pValue < 0.05)
        // Users as the unit: the difference of the variants' delta-method rates, and its test.
        let byUser = try #require(treatment.requestsByUser)
        let userRates = analysis.variants.map { $0.userRate?.ratio ?? .nan }
        #expect(abs(byUser.difference - (userRates[1] - userRates[0])) < 1e-12)
        #expect(byUser.pValue < 0.01 && byUser.lower > 0)
        #expect(analysis.variants.first { $0.variant == "control" }?.versusControl == nil)
        #expect(!analysis.sampleRatio.mismatch && analysis.warnings.isEmpty)
    }

    @Test func aBrokenSplitIsFlaggedLoudly() async throws {
        let log = try await served()
        _ = try await log.engine.putExperiment(id: "exp", draft())
        // Logging that lost most of one variant's traffic: 300 users against 120.
        let impressions = (0..<420).map { index in
            Impression(
                requestId: "r\(index)", time: start, userId: "u\(index)", surface: "home", experiment: "exp",
                variant: index < 300 ? "control" : "treatment", ranker: "popularity", schemaVersion: 1,
                items: [ImpressionItem(itemId: "a", position: 1, score: 1, retrievalScore: 1, pinned: false, features: [])])
        }
        try await log.store.insertImpressions(impressions)
        let analysis = try await log.analysis.analyzeExperiment(id: "exp")
        #expect(analysis.sampleRatio.mismatch)
        #expect(analysis.warnings.first?.hasPrefix("SAMPLE RATIO MISMATCH") == true)
        // With nothing engaged anywhere the relative lift has nothing to stand on.
        let treatment = try #require(analysis.variants.first { $0.variant == "treatment" }?.versusControl)
        #expect(treatment.requests.relativeLift == nil)
        await #expect(throws: ServiceError.notFound(kind: "experiment", id: "nope")) {
            _ = try await log.analysis.analyzeExperiment(id: "nope")
        }
    }

    @Test func aSmallVariantIsWarnedAbout() async throws {
        let log = try await served()
        _ = try await log.engine.putExperiment(id: "exp", draft())
        for user in 0..<30 { _ = try await log.engine.rank(RankRequest(userId: "u\(user)", surface: "home", k: 1)) }
        let analysis = try await log.analysis.analyzeExperiment(id: "exp")
        #expect(analysis.variants.allSatisfy { $0.warning?.contains("too few") == true })
        #expect(analysis.warnings.count == 2)
    }
}
