import Foundation
import LineupCore
import Synchronization

/// The state stage 2's features are computed from, kept up to date as events, items and
/// profiles arrive, and rebuilt by `Engine.warmUp()` replaying the store. Nothing here
/// reads the store on a request.
///
/// Counts decay exponentially: each is kept as (value, time) and read as
/// value · 2^(−elapsed / half-life), so an update costs O(1) whatever the history.
public final class OnlineFeatures: Sendable {
    /// FeatureSchema v1: what `vector(...)` fills, in this order.
    public static let schema = FeatureSchema(
        version: 1,
        features: [FeatureSchema.Feature("retrieval_score", "cosine between the user's query vector and the widget (0 for popularity order)")]
            + Kind.allCases.flatMap { kind in
                Window.allCases.map { window in
                    FeatureSchema.Feature(
                        "user_\(kind.rawValue)_\(window.rawValue)",
                        "the user's \(kind.describes) of this widget, decayed with a half-life of \(window.describes)")
                }
            }
            + [
                FeatureSchema.Feature("hours_since_engaged", "hours since the user last engaged with this widget (missing: never)"),
                FeatureSchema.Feature("pinned", "1 when the user has this widget pinned, else 0"),
                FeatureSchema.Feature("item_popularity_7d", "all users' engagement weight on this widget, half-life 7 days"),
                FeatureSchema.Feature(
                    "item_engagement_rate", "the widget's engagements per view, smoothed: (engagements + 1) / (views + 10)"),
                FeatureSchema.Feature(
                    "user_type_affinity", "share of the user's engagement weight (half-life 7 days) on widgets of this type"),
                FeatureSchema.Feature(
                    "user_tag_affinity", "mean over the widget's tags of the user's share of engagement weight on that tag"),
                FeatureSchema.Feature(
                    "role_type_affinity", "share of the engagement weight of the user's role on widgets of this type"),
                FeatureSchema.Feature("hour_of_day", "hour of the request in the user's time zone, 0-23"),
                FeatureSchema.Feature("day_of_week", "day of the request in the user's time zone, 0 = Monday"),
                FeatureSchema.Feature("device_class", "context.device: 0 desktop, 1 tablet, 2 mobile (missing: other or absent)"),
                FeatureSchema.Feature("widget_age_days", "days since the widget was first added"),
            ])

    /// Event kinds counted per (user, widget).
    enum Kind: String, CaseIterable {
        case views, opens, filters, exports, dwells

        init?(_ type: EventType) {
            switch type {
            case .view: self = .views
            case .open, .click, .drilldown: self = .opens
            case .filterChange: self = .filters
            case .export: self = .exports
            case .dwell: self = .dwells
            case .pin, .unpin, .hide, .unhide: return nil
            }
        }

        var describes: String {
            switch self {
            case .views: "views"
            case .opens: "opens, clicks and drilldowns"
            case .filters: "filter changes"
            case .exports: "exports"
            case .dwells: "dwell events"
            }
        }
    }

    enum Window: String, CaseIterable {
        case day = "1d", week = "7d", month = "30d"

        var halfLife: Double {
            switch self {
            case .day: 86_400
            case .week: 7 * 86_400
            case .month: 30 * 86_400
            }
        }

        var describes: String {
            switch self {
            case .day: "1 day"
            case .week: "7 days"
            case .month: "30 days"
            }
        }
    }

    /// A count that halves every `halfLife` seconds.
    struct Decayed: Sendable {
        var value: Double = 0
        var time: Double = 0

        mutating func add(_ weight: Double, at when: Double, halfLife: Double) {
            if when >= time {
                value = value * HalfLife.factor(elapsed: when - time, halfLife: halfLife) + weight
                time = when
            } else {
                value += weight * HalfLife.factor(elapsed: time - when, halfLife: halfLife)
            }
        }

        func value(at when: Double, halfLife: Double) -> Double {
            value * HalfLife.factor(elapsed: max(0, when - time), halfLife: halfLife)
        }
    }

    /// One user's counts for one widget, every kind and window as of one time, so reading
    /// them costs one decay factor per window rather than one per count.
    struct Pair: Sendable {
        /// Kind-major, window-minor (`slot`); inline, not a separate allocation: a request
        /// reads 200 of them. Lane 15 is unused.
        var counts = SIMD16<Double>()
        var time: Double = 0
        var lastEngaged: Double?

        mutating func add(_ kind: Kind, at when: Double) {
            if when > time {
                for (offset, window) in Window.allCases.enumerated() {
                    let factor = HalfLife.factor(elapsed: when - time, halfLife: window.halfLife)
                    for kind in Kind.allCases.indices { counts[kind * Window.allCases.count + offset] *= factor }
                }
                time = when
            }
            for (offset, window) in Window.allCases.enumerated() {
                counts[OnlineFeatures.slot(kind, offset)] += HalfLife.factor(elapsed: time - when, halfLife: window.halfLife)
            }
        }
    }

    /// What all users did with one widget, and what the catalog says about it (nil once
    /// deleted, or before the catalog has it). One table, so a request looks a widget up once.
    struct ItemState: Sendable {
        var facts: ItemFacts?
        var stats = ItemStats()
    }

    struct ItemStats: Sendable {
        var popularity = Decayed()
        var views: Double = 0
        var engagements: Double = 0
    }

    struct ItemFacts: Sendable {
        var title: String
        var type: String
        var tags: [String]
        var createdAt: Double
    }

    struct UserFacts: Sendable {
        var role: String?
        var timeZone: TimeZone?
        var personalization = true
    }

    struct State: Sendable {
        /// Per user, per widget: nested, so a request hashes the user once.
        var pairs: [String: [String: Pair]] = [:]
        /// Per user, pinned widgets in pin order.
        var pins: [String: [String]] = [:]
        var hidden: [String: Set<String>] = [:]
        var userTypes: [String: [String: Decayed]] = [:]
        var userTags: [String: [String: Decayed]] = [:]
        var userTotal: [String: Decayed] = [:]
        var roleTypes: [String: [String: Decayed]] = [:]
        var roleTotal: [String: Decayed] = [:]
        var items: [String: ItemState] = [:]
        var users: [String: UserFacts] = [:]
    }

    /// Event weights for the affinities and popularity (a pin says more than a view).
    let weights: [EventType: Float]
    private let state = Mutex(State())
    private static let affinityHalfLife = 7.0 * 86_400

    public init(weights: [EventType: Float]) {
        self.weights = weights
    }

    public func setItem(_ item: Item) {
        state.withLock {
            $0.items[item.id, default: ItemState()].facts = ItemFacts(
                title: item.title, type: item.type, tags: item.tags, createdAt: item.createdAt.timeIntervalSince1970)
        }
    }

    public func removeItem(id: String) {
        state.withLock { $0.items[id]?.facts = nil }
    }

    public func setUser(_ user: User) {
        state.withLock {
            $0.users[user.id] = UserFacts(
                role: user.role, timeZone: TimeZone(identifier: user.timezone), personalization: user.personalization)
        }
    }

    /// Forgets everything about a user (erasure). Their past weight in widget popularity
    /// and role affinity stays, as aggregate counts no longer tied to them.
    public func forget(userId: String) {
        state.withLock { state in
            state.pairs[userId] = nil
            state.pins[userId] = nil
            state.hidden[userId] = nil
            state.userTypes[userId] = nil
            state.userTags[userId] = nil
            state.userTotal[userId] = nil
            state.users[userId] = nil
        }
    }

    /// Takes in new events, oldest first.
    public func record(_ events: some Sequence<Event>) {
        state.withLock { state in
            for event in events { record(event, in: &state) }
        }
    }

    private func record(_ event: Event, in state: inout State) {
        let user = event.userId
        let item = event.itemId
        let time = event.timestamp.timeIntervalSince1970
        switch event.type {
        case .pin:
            if !(state.pins[user]?.contains(item) ?? false) { state.pins[user, default: []].append(item) }
        case .unpin:
            state.pins[user]?.removeAll { $0 == item }
        case .hide:
            state.hidden[user, default: []].insert(item)
        case .unhide:
            state.hidden[user]?.remove(item)
        default:
            break
        }
        if let kind = Kind(event.type) {
            var pair = state.pairs[user, default: [:]][item, default: Pair()]
            pair.add(kind, at: time)
            if kind != .views { pair.lastEngaged = max(pair.lastEngaged ?? time, time) }
            state.pairs[user, default: [:]][item] = pair
            if kind == .views {
                state.items[item, default: ItemState()].stats.views += 1
            } else {
                state.items[item, default: ItemState()].stats.engagements += 1
            }
        }
        let weight = Double(weights[event.type] ?? 0)
        guard weight > 0 else { return }
        state.items[item, default: ItemState()].stats.popularity.add(weight, at: time, halfLife: Self.affinityHalfLife)
        state.userTotal[user, default: Decayed()].add(weight, at: time, halfLife: Self.affinityHalfLife)
        if let facts = state.items[item]?.facts {
            state.userTypes[user, default: [:]][facts.type, default: Decayed()].add(
                weight, at: time, halfLife: Self.affinityHalfLife)
            for tag in facts.tags {
                state.userTags[user, default: [:]][tag, default: Decayed()].add(
                    weight, at: time, halfLife: Self.affinityHalfLife)
            }
            if let role = state.users[user]?.role {
                state.roleTypes[role, default: [:]][facts.type, default: Decayed()].add(
                    weight, at: time, halfLife: Self.affinityHalfLife)
                state.roleTotal[role, default: Decayed()].add(weight, at: time, halfLife: Self.affinityHalfLife)
            }
        }
    }

    fileprivate static func slot(_ kind: Kind, _ window: Int) -> Int {
        Kind.allCases.firstIndex(of: kind)! * Window.allCases.count + window
    }

    /// False when the user opted out of personalised ordering.
    public func personalization(for userId: String) -> Bool {
        state.withLock { $0.users[userId]?.personalization ?? true }
    }

    /// Global engagement weight (half-life 7 days) of each widget.
    public func popularity(of itemIds: [String], at time: Date) -> [Float] {
        let now = time.timeIntervalSince1970
        return state.withLock { state in
            itemIds.map { Float(state.items[$0]?.stats.popularity.value(at: now, halfLife: Self.affinityHalfLife) ?? 0) }
        }
    }

    /// The user's role, from their profile.
    public func role(of userId: String) -> String? {
        state.withLock { $0.users[userId]?.role }
    }

    /// What an explanation needs: the widgets the user engaged with and when, their role,
    /// and widget titles.
    func engagements(of userId: String) -> (engaged: [String: Double], role: String?) {
        state.withLock { state in
            ((state.pairs[userId] ?? [:]).compactMapValues(\.lastEngaged), state.users[userId]?.role)
        }
    }

    func title(of itemId: String) -> String? {
        state.withLock { $0.items[itemId]?.facts?.title }
    }

    /// The user's pinned widgets in pin order, and the widgets they hid.
    public func controls(for userId: String) -> (pinned: [String], hidden: Set<String>) {
        state.withLock { ($0.pins[userId] ?? [], $0.hidden[userId] ?? []) }
    }

    /// Feature vectors (schema v1, row after row) for one user's candidates at `time`.
    /// `retrievalScores` pairs each candidate with its stage-1 score.
    public func vectors(
        userId: String, candidates: [(itemId: String, retrievalScore: Float)], context: [String: String], at time: Date
    ) -> [Float] {
        let now = time.timeIntervalSince1970
        let width = Self.schema.count
        var rows = [Float](repeating: .nan, count: candidates.count * width)
        state.withLock { state in
            let facts = state.users[userId]
            let userTotal = state.userTotal[userId]?.value(at: now, halfLife: Self.affinityHalfLife) ?? 0
            let role = facts?.role
            let roleTotal = role.flatMap { state.roleTotal[$0] }?.value(at: now, halfLife: Self.affinityHalfLife) ?? 0
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = facts?.timeZone ?? TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.hour, .weekday], from: time)
            let hour = Float(parts.hour ?? 0)
            // Calendar weekdays run 1 = Sunday ... 7 = Saturday; the schema counts from Monday.
            let weekday = Float(((parts.weekday ?? 2) + 5) % 7)
            let device: Float = switch context["device"] {
            case "desktop": 0
            case "tablet": 1
            case "mobile": 2
            default: .nan
            }
            let pins = Set(state.pins[userId] ?? [])
            // The user's and their role's tables, looked up once for all candidates, and
            // their shares decayed once per type or tag rather than once per candidate.
            let pairs = state.pairs[userId] ?? [:]
            let typeShares = Self.shares(state.userTypes[userId], total: userTotal, at: now)
            let tagShares = Self.shares(state.userTags[userId], total: userTotal, at: now)
            let roleTypeShares = Self.shares(role.flatMap { state.roleTypes[$0] }, total: roleTotal, at: now)
            rows.withUnsafeMutableBufferPointer { rows in
                for (index, candidate) in candidates.enumerated() {
                    let row = rows.baseAddress! + index * width
                    var column = 0
                    func put(_ value: Float) {
                        row[column] = value
                        column += 1
                    }
                    let pair = pairs[candidate.itemId]
                    let itemState = state.items[candidate.itemId]
                    let stats = itemState?.stats ?? ItemStats()
                    let item = itemState?.facts
                    put(candidate.retrievalScore)
                    if let pair {
                        let elapsed = max(0, now - pair.time)
                        let day = HalfLife.factor(elapsed: elapsed, halfLife: Window.day.halfLife)
                        let week = HalfLife.factor(elapsed: elapsed, halfLife: Window.week.halfLife)
                        let month = HalfLife.factor(elapsed: elapsed, halfLife: Window.month.halfLife)
                        for kind in 0..<Kind.allCases.count {
                            let base = kind * Window.allCases.count  // windows in order: day, week, month
                            put(Float(pair.counts[base] * day))
                            put(Float(pair.counts[base + 1] * week))
                            put(Float(pair.counts[base + 2] * month))
                        }
                    } else {
                        for _ in 0..<(Kind.allCases.count * Window.allCases.count) { put(0) }
                    }
                    put(pair?.lastEngaged.map { Float(max(0, now - $0) / 3_600) } ?? .nan)
                    put(!pins.isEmpty && pins.contains(candidate.itemId) ? 1 : 0)
                    put(Float(stats.popularity.value(at: now, halfLife: Self.affinityHalfLife)))
                    put(Float((stats.engagements + 1) / (stats.views + 10)))
                    if let item, userTotal > 0 {
                        put(Float(typeShares[item.type] ?? 0))
                        var tagShare = 0.0
                        for tag in item.tags { tagShare += tagShares[tag] ?? 0 }
                        put(item.tags.isEmpty ? 0 : Float(tagShare / Double(item.tags.count)))
                    } else {
                        put(item == nil ? .nan : 0)
                        put(item == nil ? .nan : 0)
                    }
                    put(item != nil && role != nil && roleTotal > 0 ? Float(roleTypeShares[item!.type] ?? 0) : .nan)
                    put(hour)
                    put(weekday)
                    put(device)
                    put(item.map { Float(max(0, now - $0.createdAt) / 86_400) } ?? .nan)
                }
            }
        }
        return rows
    }

    /// Each key's decayed weight as a share of `total`.
    private static func shares(_ table: [String: Decayed]?, total: Double, at now: Double) -> [String: Double] {
        guard let table, total > 0 else { return [:] }
        return table.mapValues { $0.value(at: now, halfLife: affinityHalfLife) / total }
    }
}
