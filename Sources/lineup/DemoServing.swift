import Foundation
import LineupCore
import LineupEngine
import LineupSimulator

/// The demo world's planned sessions served through `Engine.rank`, the one loop behind every
/// demo (`demo-training`, `demo-loop`, `demo-bandit`, `demo-ab`): rank a session's dashboard
/// at its start, show the answer to the simulated user (pins first, hidden widgets gone, as
/// the dashboard would), log a layout decision before its events arrive, move the clock past
/// the user's reactions and ingest them, as production sees them. What each demo counts
/// it counts in `served`, which sees the session after the response was logged and before
/// its events change the online state (so stage 2's features are still as served).
struct DemoServing {
    /// One session as served.
    struct Served {
        var session: Session
        var ranking: Ranking
        /// The widgets shown, in the order served.
        var shown: [Item]
        /// The user's reactions, carrying the response's request id.
        var events: [Event]
        /// The user's pins and hides before this session.
        var controlsBefore: UserControls
    }

    let simulator: Simulator
    let engine: Engine
    let clock: DemoClock
    /// Each user's pins and hides so far, which later sessions react with.
    var controls: [String: UserControls] = [:]
    /// Shows this policy's order instead of the answer's (pins first, hides removed, cut to
    /// the screen, as the dashboard would): the simulator's `Oracle` as the ceiling. The
    /// request is still ranked and logged, so the log holds an answer that was not shown.
    var shownPolicy: (any RankingPolicy)?
    private let itemsById: [String: Item]

    init(simulator: Simulator, engine: Engine, clock: DemoClock) {
        self.simulator = simulator
        self.engine = engine
        self.clock = clock
        itemsById = Dictionary(uniqueKeysWithValues: simulator.items.map { ($0.id, $0) })
    }

    /// Serves every session of `days`. `surface` replaces the sessions' dashboards as the
    /// surface asked for (one layout surface for all), `ranker` asks for a ranker.
    /// `beforeRank` runs at each session's start (after the clock moved), `served` before its
    /// events are ingested, `progress` after every seventh and the last day.
    mutating func serve(
        days: Range<Int>, surface: String? = nil, ranker: Ranking.Ranker? = nil,
        beforeRank: (Session) async throws -> Void = { _ in },
        progress: (_ day: Int) -> Void = { _ in },
        served: (Served) async throws -> Void
    ) async throws {
        for day in days {
            for session in simulator.sessions(onDay: day) {
                clock.set(session.start)
                try await beforeRank(session)
                let ranking = try await engine.rank(
                    RankRequest(
                        userId: session.user.id, surface: surface ?? session.dashboard.id,
                        candidates: session.candidates.map(\.id), k: session.capacity, context: ["device": session.device],
                        ranker: ranker))
                let before = controls[session.user.id] ?? UserControls()
                var shown = ranking.items.compactMap { itemsById[$0.itemId] }
                if let shownPolicy {
                    // Pinned widgets follow the user onto every dashboard, as in the simulator.
                    let candidates = session.candidates + before.pinned.compactMap { id in
                        session.candidates.contains { $0.id == id } ? nil : itemsById[id]
                    }
                    var unused = SeededGenerator(seed: 0)
                    let ordered = shownPolicy.order(for: session.user, candidates: candidates, at: session.start, using: &unused)
                    shown = before.arrange(ordered, capacity: session.capacity)
                }
                guard !shown.isEmpty else { continue }
                var after = before
                let events = simulator.simulate(
                    session, shown: shown, requestId: ranking.requestId, layout: ranking.layout?.arm, controls: &after)
                controls[session.user.id] = after
                if let last = events.last?.timestamp { clock.advance(to: last) }
                // A layout decision is logged before its events arrive, as the flusher service
                // writes it within a second in production, so the events reward it at once.
                // Other responses stay buffered until something reads the log: only their
                // labels depend on them, and those are read after the fact.
                if ranking.layout != nil { await engine.impressions.flush() }
                try await served(Served(session: session, ranking: ranking, shown: shown, events: events, controlsBefore: before))
                for chunk in events.chunked(by: engine.configuration.maxBatchSize) {
                    _ = try await engine.ingest(chunk.map(EventDraft.init))
                }
            }
            if (day + 1) % 7 == 0 || day + 1 == days.upperBound { progress(day) }
        }
    }
}
