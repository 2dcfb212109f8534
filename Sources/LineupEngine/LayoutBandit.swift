import Foundation
import LineupBandit
import LineupCore
import LineupStore
import Synchronization

/// The layout policy of every surface: Beta-Bernoulli Thompson sampling per (surface,
/// segment), its evidence (`EvidenceTable`) kept in memory beside the store's copy.
///
/// Each (surface, evidence segment) has a `ThompsonSampling` bank drawn from its posteriors.
/// A decision reads the bank (a random index and a lookup), so it never waits for a
/// rebuild; settled rewards mark banks stale and `refresh()` redraws them, so decisions
/// follow the evidence within one settling interval. The logged propensity is the bank's,
/// exactly the probability with which the policy that served chose the arm.
public final class LayoutBandit: Sendable {
    private struct BankKey: Hashable {
        var surface: String
        var segment: String
    }

    private struct Bank {
        /// The active arms when it was drawn, in the surface's order.
        var arms: [LayoutArm]
        var policy: ThompsonSampling
    }

    private struct State {
        var surfaces: [String: SurfaceLayouts] = [:]
        var evidence = EvidenceTable()
        var banks: [BankKey: Bank] = [:]
        var stale: Set<BankKey> = []
    }

    let configuration: LayoutPolicy
    private let state = Mutex(State())
    /// The seeded source of decisions, used when the configuration has a seed.
    private let generator: Mutex<SeededGenerator>

    init(configuration: LayoutPolicy) {
        self.configuration = configuration
        generator = Mutex(SeededGenerator(seed: configuration.seed ?? 0))
    }

    /// Replaces everything with what the store holds (at start).
    func load(surfaces: [SurfaceLayouts], evidence: EvidenceTable) {
        state.withLock { state in
            state = State()
            for layouts in surfaces { state.surfaces[layouts.surface] = layouts }
            state.evidence = evidence
            // Drawn by the first `refresh`, or by the first decision that needs one before it.
            for surface in state.surfaces.keys {
                state.stale.insert(BankKey(surface: surface, segment: ""))
                for segment in evidence.segments(of: surface) { state.stale.insert(BankKey(surface: surface, segment: segment)) }
            }
        }
    }

    func layouts(of surface: String) -> SurfaceLayouts? {
        state.withLock { $0.surfaces[surface] }
    }

    var allLayouts: [SurfaceLayouts] {
        state.withLock { $0.surfaces.values.sorted { $0.surface < $1.surface } }
    }

    /// Installs a surface's new layouts and redraws its banks at once (an admin call pays
    /// for it, not the next requests of every segment).
    func set(_ layouts: SurfaceLayouts, at time: Date) {
        let keys = state.withLock { state in
            state.surfaces[layouts.surface] = layouts
            return dropBanks(of: layouts.surface, in: &state)
        }
        for key in keys { draw(key, at: time) }
    }

    func resetEvidence(surface: String, at time: Date) {
        let keys = state.withLock { state in
            state.evidence.reset(surface: surface)
            return dropBanks(of: surface, in: &state)
        }
        for key in keys { draw(key, at: time) }
    }

    /// Removes a surface's banks; returns their keys, the surface's own always among them.
    private func dropBanks(of surface: String, in state: inout State) -> Set<BankKey> {
        var keys: Set<BankKey> = [BankKey(surface: surface, segment: "")]
        for key in state.banks.keys where key.surface == surface { keys.insert(key) }
        state.banks = state.banks.filter { $0.key.surface != surface }
        return keys
    }

    /// The layout for one request of `surface` in `segment`, or nil when the surface has no
    /// active layouts.
    func decide(surface: String, segment: String, at time: Date, exploit: Bool = false) -> LayoutChoice? {
        let found: (bank: Bank?, key: BankKey, frozen: Bool)? = state.withLock { state in
            guard let layouts = state.surfaces[surface], !layouts.active.isEmpty else { return nil }
            let key = BankKey(
                surface: surface, segment: state.evidence.evidenceSegment(segment, of: surface, policy: configuration))
            return (state.banks[key], key, layouts.frozen)
        }
        guard let found else { return nil }
        guard let bank = found.bank ?? draw(found.key, at: time) else { return nil }
        let decision: ThompsonSampling.Decision
        if found.frozen || exploit {
            decision = bank.policy.greedy
        } else if configuration.seed != nil {
            decision = generator.withLock { bank.policy.decide(using: &$0) }
        } else {
            var system = SystemRandomNumberGenerator()
            decision = bank.policy.decide(using: &system)
        }
        let arm = bank.arms[decision.arm]
        return LayoutChoice(
            arm: arm.id, name: arm.name, params: arm.params, propensity: decision.propensity, segment: segment,
            evidenceSegment: found.key.segment)
    }

    /// Installs evidence rows as the settling transaction stored them, and marks their
    /// banks stale.
    func store(_ rows: [EvidenceTable.Row]) {
        guard !rows.isEmpty else { return }
        state.withLock { state in
            for row in rows {
                state.evidence.set(row)
                state.stale.insert(BankKey(surface: row.surface, segment: row.segment))
            }
        }
    }

    /// Redraws the stale banks from the evidence as of `time`.
    func refresh(at time: Date) {
        let stale = state.withLock { state in
            defer { state.stale = [] }
            return state.stale
        }
        for key in stale { _ = draw(key, at: time) }
    }

    /// The posterior of every active arm of `surface` in `segment` ("" for the surface), as
    /// of `time`.
    func posteriors(surface: String, segment: String, at time: Date) -> [(arm: LayoutArm, evidence: Evidence, posterior: BetaPosterior)] {
        state.withLock { state in
            guard let layouts = state.surfaces[surface] else { return [] }
            let arms = layouts.active
            let found = state.evidence.posteriors(
                surface: surface, segment: segment, arms: arms.map(\.id), at: time, policy: configuration)
            return zip(arms, found).map { ($0, $1.evidence, $1.posterior) }
        }
    }

    /// The segments with evidence on `surface` (not "").
    func segments(of surface: String) -> [String] {
        state.withLock { $0.evidence.segments(of: surface) }
    }

    /// Whether `segment` has enough evidence of its own, else "".
    func evidenceSegment(_ segment: String, of surface: String) -> String {
        state.withLock { $0.evidence.evidenceSegment(segment, of: surface, policy: configuration) }
    }

    /// Draws the bank of `key` outside the lock (a few milliseconds), then installs it.
    @discardableResult
    private func draw(_ key: BankKey, at time: Date) -> Bank? {
        let found = posteriors(surface: key.surface, segment: key.segment, at: time)
        guard !found.isEmpty else { return nil }
        let bank = Bank(
            arms: found.map(\.arm),
            policy: ThompsonSampling(posteriors: found.map(\.posterior), draws: configuration.draws))
        state.withLock { state in
            // A layout change meanwhile made this bank's arms out of date: keep it out.
            if state.surfaces[key.surface]?.active.map(\.id) == bank.arms.map(\.id) { state.banks[key] = bank }
        }
        return bank
    }
}
