/// The rules every id (item, user, event, session, request) follows.
public enum Identifier {
    /// Ids are short keys, not documents: 128 bytes of UTF-8 at most.
    public static let maxBytes = 128

    /// Checks that `value` is a usable id: 1–128 bytes of UTF-8, no control characters.
    public static func validate(_ value: String, field: String) throws(ValidationError) {
        let bytes = value.utf8.count
        if bytes == 0 {
            throw ValidationError(field: field, reason: "must not be empty")
        }
        if bytes > maxBytes {
            throw ValidationError(field: field, reason: "is \(bytes) bytes long; ids are at most \(maxBytes) bytes of UTF-8")
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError(field: field, reason: "must not contain control characters")
        }
    }
}
