import Foundation
import LineupCore
import LineupStore

extension Engine {
    /// Validates the whole batch, then stores the events whose ids are new in one transaction.
    /// Returns once they are committed: `inserted` new events, `existing` duplicates.
    public func ingest(_ drafts: [EventDraft]) async throws -> BatchCounts {
        let receivedAt = now()
        try ServiceError.checked { () throws(ValidationError) in
            try validator.validate(batchSize: drafts.count, field: "events")
            for (index, draft) in drafts.enumerated() {
                try validator.validate(draft, path: "events[\(index)].", now: receivedAt)
            }
        }
        let events = drafts.map { draft in
            Event(
                eventId: draft.eventId, userId: draft.userId, sessionId: draft.sessionId, itemId: draft.itemId,
                type: draft.type, value: draft.value, timestamp: draft.timestamp, requestId: draft.requestId,
                context: draft.context, receivedAt: receivedAt)
        }
        let insertion = try await store.insertEvents(events)
        let inserted = insertion.inserted.map { events[$0] }
        // In log order with every other replica's events, so all replicas hold the same state.
        try await apply(zip(insertion.sequences, inserted).map { LoggedEvent(sequence: $0, event: $1) })
        // Rewards for the layouts of the responses these events engaged with, now rather
        // than when their window closes.
        let rewarding = Set(inserted.filter { bandit.configuration.rewardTypes.contains($0.type) }.compactMap(\.requestId))
        if !rewarding.isEmpty { try await settleLayouts(requestIds: rewarding.sorted()) }
        return insertion.counts
    }
}
