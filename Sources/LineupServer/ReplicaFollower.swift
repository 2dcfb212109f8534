import LineupEngine
import ServiceLifecycle

/// Keeps this replica's in-memory state current with what the other replicas write to the
/// shared store (`Engine.follow`), for the life of the service group. Listed with the
/// maintenance services, so it stops after the impression log's last write.
struct ReplicaFollower: Service, CustomStringConvertible {
    let engine: Engine
    let interval: Duration

    var description: String { "replica follower" }

    func run() async throws {
        await cancelWhenGracefulShutdown { [engine, interval] in
            await engine.follow(every: interval)
        }
    }
}
