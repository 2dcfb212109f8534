import Foundation
import LineupAnalysis
import LineupCore
import LineupEngine
import LineupModels
import LineupRanking
import LineupTraining
import Synchronization
import Testing

/// Serve → log → train: a model trained on the impression log is written, carded and listed.
@Suite struct TrainingTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Twelve hours of traffic: every hour each user is served five widgets and opens the
    /// ones of their own third of the catalog. Popularity cannot tell the thirds apart, and
    /// random embeddings only roughly, so the served order is imperfect, while what a user
    /// opened before (a logged feature) says it exactly.
    func servedLog(models: String?) async throws -> (log: ServedLog, served: [(Date, Bool)]) {
        let log = try ServedLog(start: start, modelsDirectory: models) {
            $0.embeddingDimension = 4
            $0.maxClockSkew = 86_400
        }
        let engine = log.engine
        var random = SeededGenerator(seed: 3)
        _ = try await engine.importItems((0..<30).map { index in
            ItemDraft(
                id: "w\(index)", title: "Widget \(index)", type: index % 3 == 0 ? "kpi" : "chart",
                embedding: (0..<4).map { _ in Float(random.nextUnit()) + 0.1 })
        })
        var served: [(Date, Bool)] = []
        for hour in 0..<12 {
            for user in 0..<20 {
                let time = start.addingTimeInterval(Double(hour) * 3_600 + Double(user))
                log.clock.set(time)
                let ranking = try await engine.rank(RankRequest(userId: "u\(user)", surface: "home", k: 5))
                let opened = ranking.items.filter { (Int($0.itemId.dropFirst())! + user) % 3 == 0 }
                served.append((time, !opened.isEmpty))
                _ = try await engine.ingest(opened.map { item in
                    EventDraft(
                        eventId: "\(ranking.requestId)-\(item.itemId)", userId: "u\(user)", itemId: item.itemId, type: .open,
                        timestamp: time.addingTimeInterval(5), requestId: ranking.requestId)
                })
            }
        }
        return (log, served)
    }

    func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-training-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aModelTrainedOnTheLogIsWrittenCardedAndListed() async throws {
        let models = try directory()
        let (log, served) = try await servedLog(models: models)
        var specification = TrainingSpecification()
        specification.version = "first"
        specification.splitAt = start.addingTimeInterval(9 * 3_600)
        specification.trainer.rounds = 30
        specification.trainer.minChildWeight = 0.01
        let rounds = Mutex(0)
        let card = try await log.analysis.train(specification) { _ in rounds.withLock { $0 += 1 } }

        let before = served.filter { $0.0 < specification.splitAt! }
        let after = served.filter { $0.0 >= specification.splitAt! }
        #expect(card.data.train.groups == before.filter(\.1).count)
        #expect(card.data.validation?.groups == after.filter(\.1).count)
        #expect(card.data.skipped.withoutEngagement == served.filter { !$0.1 }.count)
        #expect(card.data.train.rows == card.data.train.groups * 5)
        #expect(card.metrics.rounds.count == rounds.withLock { $0 })
        #expect(card.metrics.validation == "ndcg@5" && card.schemaVersion == OnlineFeatures.schema.version)
        #expect(card.importances.first.map { $0.totalGain > 0 } == true)

        // Written, listed as able to serve, and its card read back as written.
        let entry = try #require(log.models.entries.first { $0.version == "first" })
        guard case .ready(let model) = entry.status else { Issue.record("\(entry.status)"); return }
        let written = try ModelCard(json: Data(contentsOf: URL(fileURLWithPath: models).appendingPathComponent("first.card.json")))
        #expect(written == card)
        // The card's validation score is the written model's on the validation responses.
        let set = try await log.analysis.trainingSet(specification)
        let validation = try #require(set.validation)
        let margins = try validation.rows.withUnsafeBufferPointer { try model.forest.margins(rows: $0) }
        let score = Trainer(configuration: specification.trainer).validationScore(validation, margins: margins)
        #expect(abs(score - card.metrics.bestValidation!) < 1e-9)
        // The rule is learnable: the model orders the validation responses better than the
        // order that served them.
        let comparison = try #require(card.comparison)
        #expect(comparison.activeVersion == nil && comparison.better, "\(comparison) \(card.metrics.bestValidation!)")
        try await log.models.activate(version: "first")
        #expect(log.engine.models.active?.version == "first", "the engine serves what the registry activated")
    }

    @Test func refusalsChangeNothing() async throws {
        let models = try directory()
        let analysis = try await servedLog(models: models).log.analysis
        var specification = TrainingSpecification()
        specification.version = "taken"
        specification.trainer.rounds = 2
        _ = try await analysis.train(specification)
        let files = try FileManager.default.contentsOfDirectory(atPath: models).sorted()
        await #expect(throws: ModelError.versionTaken(version: "taken")) { try await analysis.train(specification) }
        specification.version = "empty"
        specification.from = start.addingTimeInterval(-7_200)
        specification.to = start.addingTimeInterval(-3_600)
        await #expect(throws: ServiceError.self) { try await analysis.train(specification) }
        specification.from = nil
        specification.to = nil
        specification.splitAt = start.addingTimeInterval(-1)
        await #expect(throws: ServiceError.self) { try await analysis.train(specification) }
        specification.splitAt = nil
        specification.trainer.maxDepth = 0
        await #expect(throws: ServiceError.self) { try await analysis.train(specification) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: models).sorted() == files)

        let unconfigured = try await servedLog(models: nil).log.analysis
        await #expect(throws: ServiceError.self) { try await unconfigured.train(TrainingSpecification()) }
    }

    /// What the schedule does each turn: train on the latest window, activate only a model
    /// that beats what serves on the same validation responses.
    @Test func aJobActivatesOnlyAModelThatBeatsTheServingOne() async throws {
        let log = try await servedLog(models: try directory()).log
        let jobs = TrainingJobs(analysis: log.analysis)
        var specification = TrainingSpecification()
        specification.trainer.rounds = 20
        specification.trainer.minChildWeight = 0.01
        specification.version = "better"
        let job = try await jobs.start(specification, activateIfBetter: true, trigger: "schedule")
        await #expect(throws: ServiceError.self) { try await jobs.start(specification) }
        let done = try #require(await jobs.wait(id: job.id))
        #expect(done.state == .succeeded && done.trigger == "schedule")
        let comparison = try #require(done.card?.comparison)
        #expect(comparison.activeVersion == nil, "the fallback order served")
        #expect(comparison.better && done.activated && log.engine.models.active?.version == "better", "\(comparison) \(String(describing: done.card?.metrics.bestValidation))")

        // Against itself on the same data it is not better, so it stays as it is.
        specification.version = "same"
        let rerun = try #require(await jobs.wait(id: try jobs.start(specification, activateIfBetter: true).id))
        #expect(rerun.card?.comparison?.activeVersion == "better")
        #expect(rerun.card?.comparison?.better == false && !rerun.activated)
        #expect(log.engine.models.active?.version == "better")
    }
}
