import Foundation
import LineupCore
import LineupStore

extension Engine {
    /// Distinct items a change page may name before the follower reloads the whole catalog
    /// instead of reading them one by one.
    static let itemReadLimit = 200
    /// Changes read per page of the feed.
    static let changePage = 1_000
    /// How long the feed keeps changes: far longer than any follower lags.
    static let changeRetention: TimeInterval = 3_600

    /// How long a batch that overtook its predecessors waits for them to be applied (by the
    /// writes in flight here, or by following the other replicas) before it reads the gap
    /// from the store itself.
    static let gapWait: Duration = .milliseconds(20)

    /// Applies one committed batch of this process's events to the in-memory state, in log
    /// order, before its write is answered: at once when it follows the last sequence
    /// applied; else once the batches before it are applied, from memory when they are
    /// this process's, else read from the store.
    func apply(_ logged: [LoggedEvent]) async throws {
        guard let last = logged.last?.sequence else { return }
        if cursor.withLock({ $0.take(logged, apply: record) }) { return }
        let deadline = ContinuousClock.now + Self.gapWait
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
            if cursor.withLock({ $0.position }) >= last { return }
        }
        try await catchUpEvents(through: last)
    }

    /// Reads the log after the last sequence applied and applies it, page by page, until it
    /// reaches `target` (or the end of the log); returns how many events it applied. A read
    /// stops where a batch waiting in memory begins, so only the gap before it is read.
    @discardableResult
    func catchUpEvents(through target: Int64? = nil) async throws -> Int {
        var count = 0
        while true {
            let (after, nextEarly) = cursor.withLock { ($0.position, $0.nextEarly) }
            if let target, after >= target { return count }
            let gap = nextEarly.map { Int(clamping: $0 - after - 1) } ?? Self.warmUpPage
            let limit = min(Self.warmUpPage, max(gap, 1))
            let page = try await store.events(after: after, limit: limit)
            count += cursor.withLock { $0.takePage(page, apply: record) }
            if page.count < limit { return count }
        }
    }

    private func record(_ logged: [LoggedEvent]) {
        let events = logged.map(\.event)
        userVectors.record(events)
        features.record(events)
    }

    /// One round of following the other replicas: their events, then their changes to the
    /// catalog, profiles, layouts, evidence, experiments and models. A no-op on a store that
    /// only this process writes.
    public func followOthers() async throws {
        guard let shared = store as? any SharedStore else { return }
        try await catchUpEvents()
        while true {
            let after = changePosition.withLock { $0 }
            let page = try await shared.changes(after: after, limit: Self.changePage)
            guard let first = page.first, let last = page.last else { return }
            if first.sequence > after + 1 {
                // The feed was trimmed past this replica's place: read everything again.
                logger.warning("fell behind the change feed; reloading the state", metadata: ["after": "\(after)"])
                try await reloadAll()
            } else {
                try await apply(page)
            }
            changePosition.withLock { $0 = max($0, last.sequence) }
            if page.count < Self.changePage { return }
        }
    }

    /// Follows the other replicas until the task is cancelled: woken by the store's
    /// notifications, and every `interval` whatever they say.
    public func follow(every interval: Duration) async {
        guard let shared = store as? any SharedStore else { return }
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in shared.writeNotifications() { wake.yield() }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    wake.yield()
                }
                wake.finish()
            }
            group.addTask { [self] in
                var trimmed = ContinuousClock.now
                // Said once when following starts failing and once when it recovers, not
                // four times a second through an outage.
                var failing = false
                for await _ in wakeups {
                    do {
                        try await followOthers()
                        if ContinuousClock.now - trimmed > .seconds(600) {
                            try await shared.trimChanges(olderThan: Self.changeRetention)
                            trimmed = .now
                        }
                        if failing {
                            logger.notice("following the other replicas again")
                            failing = false
                        }
                    } catch {
                        // A shutdown cancels the round in flight: nothing failed.
                        if Task.isCancelled || error is CancellationError { break }
                        if !failing {
                            logger.warning("following the other replicas failed; retrying", metadata: ["error": "\(error)"])
                            failing = true
                        }
                    }
                }
            }
        }
    }

    /// Applies changes by reading what they name as it is now.
    private func apply(_ changes: [StoreChange]) async throws {
        var kinds: [StoreChange.Kind: [String]] = [:]
        for change in changes { kinds[change.kind, default: []].append(change.key) }
        if let ids = kinds[.item].map({ Array(Set($0)) }) {
            if ids.count > Self.itemReadLimit {
                try await loadCatalog()
            } else {
                for id in ids { try await reloadItem(id: id) }
            }
        }
        for id in Set(kinds[.user] ?? []) {
            if let user = try await store.user(id: id) {
                userVectors.setRole(user.role, for: user.id)
                features.setUser(user)
            } else {
                // Erased (the profile, the events and the impressions are gone).
                userVectors.forget(userId: id)
                features.forget(userId: id)
            }
        }
        if kinds[.layouts] != nil || kinds[.evidence] != nil { try await loadLayouts() }
        if kinds[.experiment] != nil { try await loadExperiments() }
        if kinds[.model] != nil { try await models.sync() }
    }

    private func reloadItem(id: String) async throws {
        if let item = try await store.item(id: id) {
            index([item])
        } else {
            embeddings.update { $0.remove(id: id) }
            features.removeItem(id: id)
        }
    }

    /// Reads the whole catalog into the matrix; items no longer stored leave it. Returns
    /// how many items the store holds.
    @discardableResult
    func loadCatalog() async throws -> Int {
        var afterId: String?
        var stored = Set<String>()
        while true {
            let page = try await store.items(after: afterId, limit: Self.warmUpPage)
            index(page)
            stored.formUnion(page.map(\.id))
            guard page.count == Self.warmUpPage, let last = page.last else { break }
            afterId = last.id
        }
        let gone = embeddings.snapshot.ids.filter { !stored.contains($0) }
        if !gone.isEmpty { embeddings.update { matrix in for id in gone { matrix.remove(id: id) } } }
        for id in gone { features.removeItem(id: id) }
        return stored.count
    }

    /// Reads every profile: roles for the users' query vectors, and stage 2's user features.
    func loadProfiles() async throws {
        var afterId: String?
        while true {
            let page = try await store.users(after: afterId, limit: Self.warmUpPage)
            for user in page {
                userVectors.setRole(user.role, for: user.id)
                features.setUser(user)
            }
            guard page.count == Self.warmUpPage, let last = page.last else { break }
            afterId = last.id
        }
    }

    /// After falling behind the feed: everything but the events, which follow their own log.
    private func reloadAll() async throws {
        try await loadCatalog()
        try await loadProfiles()
        try await loadLayouts()
        try await loadExperiments()
        try await models.sync()
    }
}
