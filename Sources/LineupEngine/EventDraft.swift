import Foundation
import LineupCore

/// An event as a client sends it, before validation and the server's receive time.
public struct EventDraft: Sendable, Hashable {
    public var eventId: String
    public var userId: String
    public var sessionId: String?
    public var itemId: String
    public var type: EventType
    public var value: Double?
    public var timestamp: Date
    public var requestId: String?
    public var context: [String: String]

    public init(
        eventId: String,
        userId: String,
        sessionId: String? = nil,
        itemId: String,
        type: EventType,
        value: Double? = nil,
        timestamp: Date,
        requestId: String? = nil,
        context: [String: String] = [:]
    ) {
        self.eventId = eventId
        self.userId = userId
        self.sessionId = sessionId
        self.itemId = itemId
        self.type = type
        self.value = value
        self.timestamp = timestamp
        self.requestId = requestId
        self.context = context
    }

    /// The draft of an event that already exists, e.g. one produced by the simulator.
    public init(_ event: Event) {
        self.init(
            eventId: event.eventId, userId: event.userId, sessionId: event.sessionId, itemId: event.itemId,
            type: event.type, value: event.value, timestamp: event.timestamp, requestId: event.requestId,
            context: event.context)
    }
}
