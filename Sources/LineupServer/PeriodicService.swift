import Logging
import ServiceLifecycle

/// Work repeated every `interval` for the life of the service group, with one last turn at
/// a graceful shutdown: how the impression log is flushed, rewards are settled, models are
/// retrained and the store is maintained.
///
/// The service group shuts services down in reverse order, each after the one before has
/// returned; `Server.makeApplication` orders them so the HTTP server stops taking requests
/// first and the impression log is written after the last request has been answered.
public struct PeriodicService: Service, CustomStringConvertible {
    /// Named in the group's logs.
    public let description: String
    let interval: Duration
    let work: @Sendable () async -> Void
    /// Run once when the group shuts down gracefully (or the task is cancelled).
    let final: (@Sendable () async -> Void)?

    /// `work` must handle its own failures (log them and try again next turn): a service
    /// that throws would take the whole group down.
    public init(
        _ name: String, every interval: Duration, final: (@Sendable () async -> Void)? = nil,
        work: @escaping @Sendable () async -> Void
    ) {
        description = name
        self.interval = interval
        self.work = work
        self.final = final
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { [interval, work] in
                while true {
                    try await Task.sleep(for: interval)
                    await work()
                }
            }
        } catch is CancellationError {
            // The graceful shutdown (or the group's cancellation) ended the loop.
        }
        await final?()
    }
}
