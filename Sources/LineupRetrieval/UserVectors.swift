import Foundation
import LineupCore
import Synchronization

/// What each user engaged with lately, kept as events arrive, and the query vector it makes.
///
/// A user's vector is the recency-weighted mean of the embeddings of the last `lastN` widgets
/// they engaged with: each engagement counts its event type's weight (a pin more than a
/// view) times 2^(−age / half-life). A user with no usable history borrows the mean of what
/// their role engaged with; without that, callers fall back to global popularity. Nothing
/// here reads the store: the engine feeds every new event in, and replays the log at start.
public final class UserVectors: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Engagements remembered per user.
        public var lastN = 50
        /// Age at which an engagement counts half.
        public var halfLife: TimeInterval = 7 * 86_400
        /// How much each kind of event says about interest; 0 ignores it.
        public var weights: [EventType: Float] = [
            .view: 0.25, .open: 1, .click: 1, .drilldown: 1.5, .filterChange: 0.5, .export: 2, .dwell: 1,
            .pin: 3, .unpin: 0, .hide: 0, .unhide: 0,
        ]

        public init() {}
    }

    /// Where a user's query comes from.
    public enum Query: Sendable, Equatable {
        /// Their own recent engagements.
        case personal([Float])
        /// Their role's engagements: a cold user with a known role.
        case role([Float])
        /// Nothing to go on: order by global popularity.
        case popularity
    }

    struct Engagement: Sendable {
        var itemId: String
        var time: Double
        var weight: Float
    }

    struct State: Sendable {
        var histories: [String: [Engagement]] = [:]
        var roles: [String: String] = [:]
        /// Per role, summed engagement weight per item.
        var roleItems: [String: [String: Float]] = [:]
        /// Summed engagement weight per item, all users.
        var popularity: [String: Float] = [:]
    }

    public let configuration: Configuration
    private let state = Mutex(State())

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Records a user's role (or its removal), which decides their prior and where their
    /// engagements count.
    public func setRole(_ role: String?, for userId: String) {
        state.withLock { $0.roles[userId] = role }
    }

    /// Forgets everything about a user (erasure).
    public func forget(userId: String) {
        state.withLock { state in
            state.histories[userId] = nil
            state.roles[userId] = nil
        }
    }

    /// Takes in new events, oldest first. A `hide` also drops the widget from the history.
    public func record(_ events: some Sequence<Event>) {
        state.withLock { state in
            for event in events { record(event, in: &state) }
        }
    }

    private func record(_ event: Event, in state: inout State) {
        if event.type == .hide {
            state.histories[event.userId]?.removeAll { $0.itemId == event.itemId }
            return
        }
        let weight = configuration.weights[event.type] ?? 0
        guard weight > 0 else { return }
        var history = state.histories[event.userId] ?? []
        history.append(Engagement(itemId: event.itemId, time: event.timestamp.timeIntervalSince1970, weight: weight))
        if history.count > configuration.lastN { history.removeFirst(history.count - configuration.lastN) }
        state.histories[event.userId] = history
        state.popularity[event.itemId, default: 0] += weight
        if let role = state.roles[event.userId] {
            state.roleItems[role, default: [:]][event.itemId, default: 0] += weight
        }
    }

    /// The query for a user at `time`, from the vectors of `matrix`.
    public func query(for userId: String, at time: Date, in matrix: EmbeddingMatrix) -> Query {
        let (history, roleItems) = state.withLock { state in
            (state.histories[userId] ?? [], state.roles[userId].flatMap { state.roleItems[$0] } ?? [:])
        }
        let now = time.timeIntervalSince1970
        let personal = mean(
            history.map { ($0.itemId, $0.weight * Float(HalfLife.factor(elapsed: max(0, now - $0.time), halfLife: configuration.halfLife))) },
            in: matrix)
        if let personal { return .personal(personal) }
        if let role = mean(roleItems.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, in: matrix) {
            return .role(role)
        }
        return .popularity
    }

    /// Items by global engagement weight, best first, ties to the smaller id.
    public func popular(k: Int, among candidates: [String]? = nil, in matrix: EmbeddingMatrix) -> [ScoredItem] {
        let popularity = state.withLock { $0.popularity }
        let pool: [String] = candidates.map { Array(Set($0)).filter(matrix.contains) } ?? matrix.ids
        let selector = TopK(k: k, ids: pool)
        for (row, id) in pool.enumerated() {
            selector.offer(score: popularity[id] ?? 0, row: row)
        }
        return selector.sorted()
    }

    /// The weighted mean direction of the items' vectors; nil when none is in the matrix.
    private func mean(_ weighted: [(itemId: String, weight: Float)], in matrix: EmbeddingMatrix) -> [Float]? {
        var sum = [Double](repeating: 0, count: matrix.dimension)
        var used = false
        for (itemId, weight) in weighted where weight > 0 {
            guard let vector = matrix.vector(of: itemId) else { continue }
            used = true
            for (index, value) in zip(sum.indices, vector) { sum[index] += Double(weight) * Double(value) }
        }
        guard used, sum.contains(where: { $0 != 0 }) else { return nil }
        return sum.map(Float.init)
    }
}
