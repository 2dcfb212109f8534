import Foundation

/// One interaction of a user with a widget, as the client reported it.
public struct Event: Sendable, Hashable, Codable {
    /// Chosen by the client; storing the same id twice is a no-op, which makes retries safe.
    public var eventId: String
    public var userId: String
    public var sessionId: String?
    public var itemId: String
    public var type: EventType
    /// A measure for the event, such as seconds for `dwell`.
    public var value: Double?
    /// When it happened, by the client's clock.
    public var timestamp: Date
    /// The rank response this event answers, which is how outcomes are attributed to what was served.
    public var requestId: String?
    /// Where it happened: `device` and anything else the client tracks.
    public var context: [String: String]
    /// When Lineup stored it, by the server's clock.
    public var receivedAt: Date

    public init(
        eventId: String,
        userId: String,
        sessionId: String? = nil,
        itemId: String,
        type: EventType,
        value: Double? = nil,
        timestamp: Date,
        requestId: String? = nil,
        context: [String: String] = [:],
        receivedAt: Date
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
        self.receivedAt = receivedAt
    }
}
