import Foundation
import LineupCore

/// Lineup's input rules in one place, so the HTTP API and the command line refuse the same
/// things with the same messages. Every check names the field it failed on.
struct Validator: Sendable {
    let configuration: Engine.Configuration

    static let maxTitleLength = 512
    static let maxDescriptionLength = 4096
    static let maxTypeLength = 64
    static let maxTags = 64
    static let maxTagLength = 128
    static let maxLabelLength = 128
    static let maxContextEntries = 32
    static let maxContextKeyBytes = 64
    static let maxContextValueBytes = 256

    func validate(_ draft: ItemDraft, path: String = "") throws(ValidationError) {
        if let id = draft.id { try Identifier.validate(id, field: path + "id") }
        try text(draft.title, field: path + "title", max: Self.maxTitleLength, allowEmpty: false)
        try text(draft.description, field: path + "description", max: Self.maxDescriptionLength, allowEmpty: true,
                 allowNewlines: true)
        try text(draft.type, field: path + "type", max: Self.maxTypeLength, allowEmpty: false)
        if draft.tags.count > Self.maxTags {
            throw ValidationError(field: path + "tags", reason: "has \(draft.tags.count) tags; at most \(Self.maxTags)")
        }
        for (index, tag) in draft.tags.enumerated() {
            try text(tag, field: "\(path)tags[\(index)]", max: Self.maxTagLength, allowEmpty: false)
        }
        if let embedding = draft.embedding { try validate(embedding: embedding, field: path + "embedding") }
    }

    func validate(embedding: [Float], field: String) throws(ValidationError) {
        let dimension = configuration.embeddingDimension
        if embedding.count != dimension {
            throw ValidationError(
                field: field, reason: "has \(embedding.count) values; the configured dimension is \(dimension)")
        }
        if let index = embedding.firstIndex(where: { !$0.isFinite }) {
            throw ValidationError(field: "\(field)[\(index)]", reason: "must be a finite number")
        }
        if embedding.allSatisfy({ $0 == 0 }) {
            throw ValidationError(field: field, reason: "must not be all zeros: it has no direction for cosine similarity")
        }
    }

    func validate(_ draft: UserDraft, path: String = "") throws(ValidationError) {
        if let id = draft.id { try Identifier.validate(id, field: path + "id") }
        if let role = draft.role { try text(role, field: path + "role", max: Self.maxLabelLength, allowEmpty: true) }
        if let team = draft.team { try text(team, field: path + "team", max: Self.maxLabelLength, allowEmpty: true) }
        if let timezone = draft.timezone, TimeZone(identifier: timezone) == nil || timezone.isEmpty {
            throw ValidationError(
                field: path + "timezone", reason: "'\(timezone)' is not an IANA time zone such as 'Europe/Paris'")
        }
    }

    func validate(_ draft: EventDraft, path: String, now: Date) throws(ValidationError) {
        try Identifier.validate(draft.eventId, field: path + "event_id")
        try Identifier.validate(draft.userId, field: path + "user_id")
        if let session = draft.sessionId { try Identifier.validate(session, field: path + "session_id") }
        try Identifier.validate(draft.itemId, field: path + "item_id")
        if let request = draft.requestId { try Identifier.validate(request, field: path + "request_id") }
        if let value = draft.value, !value.isFinite {
            throw ValidationError(field: path + "value", reason: "must be a finite number")
        }
        let latest = now.addingTimeInterval(configuration.maxClockSkew)
        if draft.timestamp > latest {
            throw ValidationError(
                field: path + "timestamp",
                reason: "lies \(Int(draft.timestamp.timeIntervalSince(now))) s in the future; at most \(Int(configuration.maxClockSkew)) s is allowed")
        }
        if draft.timestamp.timeIntervalSince1970 < 0 {
            throw ValidationError(field: path + "timestamp", reason: "must not be before 1970-01-01")
        }
        if draft.context.count > Self.maxContextEntries {
            throw ValidationError(field: path + "context", reason: "has \(draft.context.count) entries; at most \(Self.maxContextEntries)")
        }
        for (key, value) in draft.context.sorted(by: { $0.key < $1.key }) {
            if key.isEmpty || key.utf8.count > Self.maxContextKeyBytes {
                throw ValidationError(field: path + "context", reason: "keys are 1–\(Self.maxContextKeyBytes) bytes")
            }
            if value.utf8.count > Self.maxContextValueBytes {
                throw ValidationError(field: "\(path)context.\(key)", reason: "is longer than \(Self.maxContextValueBytes) bytes")
            }
        }
    }

    func validate(batchSize: Int, field: String) throws(ValidationError) {
        if batchSize == 0 {
            throw ValidationError(field: field, reason: "must not be empty")
        }
        if batchSize > configuration.maxBatchSize {
            throw ValidationError(
                field: field, reason: "has \(batchSize) entries; a batch holds at most \(configuration.maxBatchSize)")
        }
    }

    private func text(
        _ value: String, field: String, max: Int, allowEmpty: Bool, allowNewlines: Bool = false
    ) throws(ValidationError) {
        if !allowEmpty && value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError(field: field, reason: "must not be empty")
        }
        if value.count > max {
            throw ValidationError(field: field, reason: "is \(value.count) characters long; at most \(max)")
        }
        let forbidden = value.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control && !(allowNewlines && (scalar == "\n" || scalar == "\t" || scalar == "\r"))
        }
        if forbidden {
            throw ValidationError(field: field, reason: "must not contain control characters")
        }
    }
}
