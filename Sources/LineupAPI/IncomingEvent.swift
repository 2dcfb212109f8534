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
        // Only the concrete `decode(String.self, …)` and `decode(Double.self, …)` overloads:
        // the generic ones instantiate type metadata on every call and cost several times more.
        let container = try decoder.container(keyedBy: AnyKey.self)
        var eventId: String?
        var userId: String?
        var itemId: String?
        var type: Components.Schemas.EventType?
        var timestamp: Timestamp?
        func string(_ key: AnyKey) throws -> String? {
            try container.decodeNil(forKey: key) ? nil : container.decode(String.self, forKey: key)
        }
        for key in container.allKeys {
            switch CodingKeys(rawValue: key.stringValue) {
            case .eventId: eventId = try container.decode(String.self, forKey: key)
            case .userId: userId = try container.decode(String.self, forKey: key)
            case .sessionId: sessionId = try string(key)
            case .itemId: itemId = try container.decode(String.self, forKey: key)
            case .type:
                let name = try container.decode(String.self, forKey: key)
                guard let known = Components.Schemas.EventType(rawValue: name) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: container,
                        debugDescription: "'\(name)' is not an event type; expected one of "
                            + Components.Schemas.EventType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                type = known
            case .value:
                value = try container.decodeNil(forKey: key) ? nil : container.decode(Double.self, forKey: key)
            case .timestamp:
                let text = try container.decode(String.self, forKey: key)
                guard let date = Timestamp.parse(text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: container,
                        debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-22T09:30:00Z")
                }
                timestamp = Timestamp(date)
            case .requestId: requestId = try string(key)
            case .context:
                if try container.decodeNil(forKey: key) { continue }
                let nested = try container.nestedContainer(keyedBy: AnyKey.self, forKey: key)
                var entries: [String: String] = [:]
                for entry in nested.allKeys {
                    entries[entry.stringValue] = try nested.decode(String.self, forKey: entry)
                }
                context = entries
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
