import Foundation
import LineupCore
import LineupEngine
import LineupSQLite
import LineupStore
import Synchronization
import Testing

/// Experiments through the engine: sticky assignment, definitions that cannot move users
/// once started, and requests served and logged under their variant.
@Suite struct ExperimentTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    final class TestClock: Sendable {
        let value: Mutex<Date>
        init(_ start: Date) { value = Mutex(start) }
        func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    func engine(clock: TestClock) async throws -> (Engine, SQLiteStore) {
        let store = try SQLiteStore()
        var configuration = Engine.Configuration(embeddingDimension: 2)
        configuration.impressionLog.flushInterval = .seconds(3_600)
        let engine = Engine(configuration: configuration, store: store, now: { clock.value.withLock { $0 } })
        _ = try await engine.importItems([
            ItemDraft(id: "a", title: "Revenue", type: "kpi", embedding: [1, 0]),
            ItemDraft(id: "b", title: "Churn", type: "chart", embedding: [0, 1]),
        ])
        _ = try await engine.importUsers([UserDraft(id: "analyst-1", role: "analyst"), UserDraft(id: "exec-1", role: "executive")])
        try await engine.warmUp()
        return (engine, store)
    }

    func draft(weights: [Double] = [1, 1], salt: String = "s1", start: Date? = nil, stop: Date? = nil,
               targeting: Experiment.Targeting = .init()) -> ExperimentDraft {
        ExperimentDraft(
            salt: salt,
            variants: [
                Experiment.Variant(id: "control", weight: weights[0], overrides: .init(ranker: "popularity")),
                Experiment.Variant(id: "treatment", weight: weights[1], overrides: .init(ranker: "retrieval", bandit: "off")),
            ],
            control: "control", targeting: targeting, start: start, stop: stop)
    }

    @Test func assignmentIsAPureFunctionOfSaltAndUser() {
        let experiment = Experiment(
            id: "x", salt: "salt-1", variants: [.init(id: "a", weight: 1), .init(id: "b", weight: 3)], control: "a",
            createdAt: start, updatedAt: start)
        let first = (0..<1_000).map { Assignment.variant(of: experiment, userId: "user-\($0)").id }
        // The same on every call, in any order.
        let reversed = (0..<1_000).reversed().map { Assignment.variant(of: experiment, userId: "user-\($0)").id }
        #expect(first == reversed.reversed())
        #expect(Assignment.unit(salt: "ab", userId: "c") != Assignment.unit(salt: "a", userId: "bc"))
    }

    /// Over 100,000 ids each variant's share is its weight's within five standard errors.
    @Test(arguments: [[1.0, 1.0], [1.0, 3.0], [0.2, 0.3, 0.5]])
    func weightsAreRespected(weights: [Double]) {
        let experiment = Experiment(
            id: "x", salt: "weights", variants: weights.enumerated().map { .init(id: "v\($0.offset)", weight: $0.element) },
            control: "v0", createdAt: start, updatedAt: start)
        let count = 100_000
        var counts: [String: Int] = [:]
        for user in 0..<count { counts[Assignment.variant(of: experiment, userId: "u\(user)").id, default: 0] += 1 }
        let total = weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            let share = weight / total
            let error = (share * (1 - share) / Double(count)).squareRoot()
            #expect(abs(Double(counts["v\(index)"] ?? 0) / Double(count) - share) < 5 * error)
        }
    }

    /// Two salts split the same users independently: every joint cell holds the product of
    /// its margins, within five standard errors, and the units are uncorrelated.
    @Test func differentSaltsSplitIndependently() {
        let count = 100_000
        var joint = [[Int]](repeating: [0, 0], count: 2)
        var units: [(Double, Double)] = []
        for user in 0..<count {
            let a = Assignment.unit(salt: "first", userId: "u\(user)"), b = Assignment.unit(salt: "second", userId: "u\(user)")
            joint[a < 0.5 ? 0 : 1][b < 0.5 ? 0 : 1] += 1
            units.append((a, b))
        }
        let n = Double(count)
        for i in 0..<2 {
            for j in 0..<2 {
                let p = Double(joint[i][0] + joint[i][1]) / n * Double(joint[0][j] + joint[1][j]) / n
                let error = (p * (1 - p) / n).squareRoot()
                #expect(abs(Double(joint[i][j]) / n - p) < 5 * error)
            }
        }
        let meanA = units.map(\.0).reduce(0, +) / n, meanB = units.map(\.1).reduce(0, +) / n
        let covariance = units.map { ($0.0 - meanA) * ($0.1 - meanB) }.reduce(0, +) / n
        let sdA = (units.map { ($0.0 - meanA) * ($0.0 - meanA) }.reduce(0, +) / n).squareRoot()
        let sdB = (units.map { ($0.1 - meanB) * ($0.1 - meanB) }.reduce(0, +) / n).squareRoot()
        #expect(abs(covariance / (sdA * sdB)) < 5 / n.squareRoot())
    }

    @Test func aStartedExperimentOnlyStops() async throws {
        let clock = TestClock(start)
        let (engine, _) = try await engine(clock: clock)
        let created = try await engine.putExperiment(id: "exp", draft(start: start.addingTimeInterval(3_600)))
        #expect(created.created && engine.experiments().map(\.status) == [.scheduled])
        // Before it starts anything may change.
        _ = try await engine.putExperiment(id: "exp", draft(weights: [1, 2], start: start.addingTimeInterval(3_600)))
        clock.advance(7_200)
        #expect(try engine.experiment(id: "exp").status == .running)
        await #expect(throws: ServiceError.self) {
            _ = try await engine.putExperiment(id: "exp", draft(weights: [1, 1], start: start.addingTimeInterval(3_600)))
        }
        do {
            _ = try await engine.putExperiment(id: "exp", draft(weights: [1, 2], salt: "s2", start: start.addingTimeInterval(3_600)))
            Issue.record("a new salt was accepted")
        } catch ServiceError.conflict(let field, _) {
            #expect(field == "salt")
        }
        #expect(try engine.experiment(id: "exp").experiment.variants.map(\.weight) == [1, 2])
        let stopped = try await engine.putExperiment(
            id: "exp", draft(weights: [1, 2], start: start.addingTimeInterval(3_600), stop: clock.value.withLock { $0 }))
        #expect(!stopped.created)
        #expect(try engine.experiment(id: "exp").status == .stopped)
        #expect(throws: ServiceError.notFound(kind: "experiment", id: "nope")) { try engine.experiment(id: "nope") }
    }

    @Test(arguments: [
        ("salt", ExperimentDraft(salt: "", variants: [.init(id: "a", weight: 1), .init(id: "b", weight: 1)], control: "a")),
        ("variants", ExperimentDraft(salt: "s", variants: [.init(id: "a", weight: 1)], control: "a")),
        ("variants[1].id", ExperimentDraft(salt: "s", variants: [.init(id: "a", weight: 1), .init(id: "a", weight: 1)], control: "a")),
        ("variants[0].weight", ExperimentDraft(salt: "s", variants: [.init(id: "a", weight: 0), .init(id: "b", weight: 1)], control: "a")),
        ("control", ExperimentDraft(salt: "s", variants: [.init(id: "a", weight: 1), .init(id: "b", weight: 1)], control: "c")),
        ("variants[1].overrides.ranker", ExperimentDraft(
            salt: "s", variants: [.init(id: "a", weight: 1), .init(id: "b", weight: 1, overrides: .init(ranker: "magic"))], control: "a")),
        ("variants[0].overrides.retrieval_k", ExperimentDraft(
            salt: "s", variants: [.init(id: "a", weight: 1, overrides: .init(retrievalK: 0)), .init(id: "b", weight: 1)], control: "a")),
        ("variants[0].overrides.bandit", ExperimentDraft(
            salt: "s", variants: [.init(id: "a", weight: 1, overrides: .init(bandit: "sometimes")), .init(id: "b", weight: 1)], control: "a")),
        ("stop", ExperimentDraft(
            salt: "s", variants: [.init(id: "a", weight: 1), .init(id: "b", weight: 1)], control: "a",
            start: Date(timeIntervalSince1970: 2), stop: Date(timeIntervalSince1970: 1))),
    ])
    func badDefinitionsAreRefusedByField(field: String, draft: ExperimentDraft) async throws {
        let (engine, _) = try await engine(clock: TestClock(start))
        do {
            _ = try await engine.putExperiment(id: "bad", draft)
            Issue.record("accepted")
        } catch ServiceError.invalid(let error) {
            #expect(error.field == field, "\(error)")
        }
        #expect(engine.experiments().isEmpty)
    }

    @Test func requestsAreServedAndLoggedUnderTheirVariant() async throws {
        let clock = TestClock(start)
        let (engine, store) = try await engine(clock: clock)
        _ = try await engine.putLayouts(surface: "home", [LayoutDraft(id: "grid", name: "Grid"), LayoutDraft(id: "list", name: "List")])
        _ = try await engine.putExperiment(id: "exp", draft(targeting: .init(surfaces: ["home"])))
        let experiment = try engine.experiment(id: "exp").experiment
        var seen: [String: Int] = [:]
        for user in 0..<40 {
            for _ in 0..<2 {
                let ranking = try await engine.rank(RankRequest(userId: "u\(user)", surface: "home", k: 2))
                let variant = Assignment.variant(of: experiment, userId: "u\(user)").id
                #expect(ranking.experiment == "exp" && ranking.variant == variant)
                #expect(ranking.ranker == (variant == "control" ? .popularity : .fallback))
                // The treatment turns the layout bandit off.
                #expect((ranking.layout == nil) == (variant == "treatment"))
                seen[variant, default: 0] += 1
            }
        }
        #expect(seen.count == 2)
        // Another surface is not targeted.
        let other = try await engine.rank(RankRequest(userId: "u1", surface: "settings", k: 2))
        #expect(other.experiment == nil && other.variant == nil)
        await engine.impressions.flush()
        let logged = try await store.impressions(userId: "u3")
        #expect(logged.count == 2 && logged.allSatisfy { $0.experiment == "exp" && $0.variant == Assignment.variant(of: experiment, userId: "u3").id })
        // Each user is exposed once, in their variant.
        let exposures = try await store.exposures(experiment: "exp")
        #expect(exposures.values.reduce(0, +) == 40)
        #expect(exposures == seen.mapValues { $0 / 2 })
        // Stopped, it serves no more.
        _ = try await engine.putExperiment(id: "exp", draft(stop: start, targeting: .init(surfaces: ["home"])))
        #expect(try await engine.rank(RankRequest(userId: "u1", surface: "home", k: 2)).experiment == nil)
    }

    @Test func rolesTargetByProfile() async throws {
        let (engine, _) = try await engine(clock: TestClock(start))
        _ = try await engine.putExperiment(id: "exp", draft(targeting: .init(roles: ["analyst"])))
        #expect(try await engine.rank(RankRequest(userId: "analyst-1", surface: "home", k: 1)).experiment == "exp")
        #expect(try await engine.rank(RankRequest(userId: "exec-1", surface: "home", k: 1)).experiment == nil)
        #expect(try await engine.rank(RankRequest(userId: "unknown", surface: "home", k: 1)).experiment == nil)
    }
}
