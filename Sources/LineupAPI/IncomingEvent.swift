/// The `Event` schema of openapi.yaml, decoded by hand.
///
/// Events are the one high-volume input (tens of thousands a second), and the generated
/// decoder checks for unknown keys by building sets of keys for every event and its context,
/// which made JSON decoding the largest cost of ingestion. This type reads each object in
/// one pass over its keys instead, with the same contract: the same fields and types, unknown
/// keys refused at their path (`events[3].colour`), a missing field named. A test checks its
/// keys against openapi.yaml, so the spec stays the source of truth.
public struct IncomingEvent: Codable, Hashable, Sendable {
    public var eventId: String
    public var userId: String
    public var sessionId: String?
    public var itemId: String
    public var type: Components.Schemas.EventType
    public var value: Double?
    public var timestamp: Timestamp
    public var requestId: String?
    /// `device` and whatever else the client tracks, all strings.
    public var context: [String: String]?

    public init(
        eventId: String, userId: String, sessionId: String? = nil, itemId: String,
        type: Components.Schemas.EventType, value: Double? = nil, timestamp: Timestamp, requestId: String? = nil,
        context: [String: String]? = nil
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

    /// The JSON names of the fields, as openapi.yaml spells them.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case eventId = "event_id"
        case userId = "user_id"
        case sessionId = "session_id"
        case itemId = "item_id"
        case type
        case value
        case timestamp
        case requestId = "request_id"
        case context
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        var eventId: String?
        var userId: String?
        var itemId: String?
        var type: Components.Schemas.EventType?
        var timestamp: Timestamp?
        for key in container.allKeys {
            switch CodingKeys(rawValue: key.stringValue) {
            case .eventId: eventId = try container.decode(String.self, forKey: key)
            case .userId: userId = try container.decode(String.self, forKey: key)
            case .sessionId: sessionId = try container.decodeIfPresent(String.self, forKey: key)
            case .itemId: itemId = try container.decode(String.self, forKey: key)
            case .type: type = try container.decode(Components.Schemas.EventType.self, forKey: key)
            case .value: value = try container.decodeIfPresent(Double.self, forKey: key)
            case .timestamp: timestamp = try container.decode(Timestamp.self, forKey: key)
            case .requestId: requestId = try container.decodeIfPresent(String.self, forKey: key)
            case .context: context = try container.decodeIfPresent([String: String].self, forKey: key)
            case nil:
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "is not a field of an event")
            }
        }
        func required<Value>(_ value: Value?, _ key: CodingKeys) throws -> Value {
            guard let value else {
                throw DecodingError.keyNotFound(
                    key, .init(codingPath: decoder.codingPath, debugDescription: "is required"))
            }
            return value
        }
        self.eventId = try required(eventId, .eventId)
        self.userId = try required(userId, .userId)
        self.itemId = try required(itemId, .itemId)
        self.type = try required(type, .type)
        self.timestamp = try required(timestamp, .timestamp)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(userId, forKey: .userId)
        try container.encodeIfPresent(sessionId, forKey: .sessionId)
        try container.encode(itemId, forKey: .itemId)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encodeIfPresent(requestId, forKey: .requestId)
        try container.encodeIfPresent(context, forKey: .context)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
