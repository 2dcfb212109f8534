import Foundation
import LineupCore
import LineupModels
import LineupStore
import Synchronization

/// Training runs in the background, one at a time: a training run takes both cores for
/// seconds to minutes, and two at once would only slow both and the requests being served.
/// Jobs are kept in memory (the last 100); what they produce, the model and its card, is in
/// the models directory (or the store's models).
///
/// When replicas share a store that offers `ExclusiveLocks`, "one at a time" holds across
/// them: a job holds the store's training lock while it runs, and only the replica holding
/// the schedule lock runs the retraining schedule.
public final class TrainingJobs: Sendable {
    let analysis: Analysis
    private let jobs = Mutex<[TrainingJob]>([])
    private static let kept = 100
    /// The schedule's lock, once this replica holds it (it keeps it for its life).
    private let schedule = Mutex<(any LockLease)?>(nil)

    private var locks: (any ExclusiveLocks)? { analysis.store as? any ExclusiveLocks }

    public init(analysis: Analysis) {
        self.analysis = analysis
    }

    /// Starts training on `specification` and returns at once with the job. With
    /// `activateIfBetter`, the new model is activated when its validation score beats the
    /// serving model's (or the served order's) on the same responses. Refused while another
    /// job runs.
    public func start(
        _ specification: TrainingSpecification, activateIfBetter: Bool = false, trigger: String = "api"
    ) async throws -> TrainingJob {
        try specification.validate()
        if let version = specification.version { try await analysis.models.checkVersionFree(version) }
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
        var lease: (any LockLease)?
        if let locks {
            do {
                lease = try await locks.tryLock("training")
            } catch {
                jobs.withLock { jobs in jobs.removeAll { $0.id == job.id } }
                throw error
            }
            guard lease != nil else {
                jobs.withLock { jobs in jobs.removeAll { $0.id == job.id } }
                throw ServiceError.conflict(
                    field: "job", reason: "a training job is running on another replica; one runs at a time")
            }
        }
        Task.detached(priority: .background) { [self, lease] in
            await run(job.id, specification, activateIfBetter: activateIfBetter)
            await lease?.release()
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
        if let locks, schedule.withLock({ $0 == nil }) {
            // The first turn that gets the lock keeps it: this replica runs the schedule
            // until it stops, and another takes over when it does.
            guard let lease = try? await locks.tryLock("retraining-schedule") else {
                analysis.logger.debug("retraining schedule runs on another replica")
                return
            }
            schedule.withLock { $0 = lease }
        }
        var specification = base
        specification.from = analysis.now().addingTimeInterval(-window)
        specification.to = nil
        specification.version = nil
        do {
            let job = try await start(specification, activateIfBetter: true, trigger: "schedule")
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
                try await analysis.models.activate(version: card.version)
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
