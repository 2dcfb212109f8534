import Foundation
import LineupCore
import LineupModels
import Synchronization

/// Training runs in the background, one at a time: a training run takes both cores for
/// seconds to minutes, and two at once would only slow both and the requests being served.
/// Jobs are kept in memory (the last 100); what they produce, the model and its card, is on
/// disk in the models directory.
public final class TrainingJobs: Sendable {
    let analysis: Analysis
    private let jobs = Mutex<[TrainingJob]>([])
    private static let kept = 100

    public init(analysis: Analysis) {
        self.analysis = analysis
    }

    /// Starts training on `specification` and returns at once with the job. With
    /// `activateIfBetter`, the new model is activated when its validation score beats the
    /// serving model's (or the served order's) on the same responses. Refused while another
    /// job runs.
    public func start(
        _ specification: TrainingSpecification, activateIfBetter: Bool = false, trigger: String = "api"
    ) throws -> TrainingJob {
        try specification.validate()
        if let version = specification.version { try analysis.models.checkVersionFree(version) }
        let job = TrainingJob(
            id: UUIDv7.make(at: analysis.now()), trigger: trigger, state: .running, startedAt: analysis.now(),
            rounds: specification.trainer.rounds)
        try jobs.withLock { jobs throws(ServiceError) in
            if let running = jobs.first(where: { $0.state == .running }) {
                throw .conflict(field: "job", reason: "training job \(running.id) is still running; one runs at a time")
            }
            jobs.append(job)
            if jobs.count > Self.kept { jobs.removeFirst(jobs.count - Self.kept) }
        }
        Task.detached(priority: .background) { [self] in
            await run(job.id, specification, activateIfBetter: activateIfBetter)
        }
        return job
    }

    public func job(id: String) -> TrainingJob? {
        jobs.withLock { jobs in jobs.first { $0.id == id } }
    }

    /// Waits for the job to end (tests, the command line, the schedule), or for the waiting
    /// task to be cancelled (a shutdown does not wait for a training run).
    public func wait(id: String) async -> TrainingJob? {
        while let job = job(id: id), job.state == .running, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return job(id: id)
    }

    /// One turn of the retraining schedule: trains on the last `window` of the log, up to
    /// now, and activates the new model only if it beats the serving one. A turn that finds
    /// a job running, or data too thin to train on, is logged and skipped.
    public func retrain(window: TimeInterval, base: TrainingSpecification) async {
        var specification = base
        specification.from = analysis.now().addingTimeInterval(-window)
        specification.to = nil
        specification.version = nil
        do {
            let job = try start(specification, activateIfBetter: true, trigger: "schedule")
            _ = await wait(id: job.id)
        } catch {
            analysis.logger.warning("scheduled retraining skipped", metadata: ["reason": "\(error)"])
        }
    }

    private func run(_ id: String, _ specification: TrainingSpecification, activateIfBetter: Bool) async {
        do {
            let card = try await analysis.train(specification) { [self] round in
                update(id) { $0.progress = round }
            }
            var activated = false
            if activateIfBetter, card.comparison?.better == true {
                try analysis.models.activate(version: card.version)
                activated = true
            }
            update(id) {
                $0.state = .succeeded
                $0.card = card
                $0.activated = activated
                $0.finishedAt = analysis.now()
            }
            analysis.logger.info(
                "training job finished",
                metadata: [
                    "job": "\(id)", "version": "\(card.version)", "activated": "\(activated)",
                    "validation": "\(card.metrics.bestValidation.map { String($0) } ?? "none")",
                ])
        } catch {
            update(id) {
                $0.state = .failed
                $0.error = "\(error)"
                $0.finishedAt = analysis.now()
            }
            analysis.logger.warning("training job failed", metadata: ["job": "\(id)", "reason": "\(error)"])
        }
    }

    private func update(_ id: String, _ change: (inout TrainingJob) -> Void) {
        jobs.withLock { jobs in
            if let index = jobs.firstIndex(where: { $0.id == id }) { change(&jobs[index]) }
        }
    }
}
