/// The rules every id (item, user, event, session, request) follows.
public enum Identifier {
    /// Ids are short keys, not documents: 128 bytes of UTF-8 at most.
    public static let maxBytes = 128

    /// Checks that `value` is a usable id: 1–128 bytes of UTF-8, no control characters.
    ///
    /// Runs on every id of every event, so it scans bytes: the control characters (C0, DEL
    /// and C1) are exactly the bytes below 0x20, 0x7F, and 0xC2 followed by 0x80–0x9F.
    public static func validate(_ value: String, field: String) throws(ValidationError) {
        var bytes = 0
        var previous: UInt8 = 0
        var control = false
        for byte in value.utf8 {
            bytes += 1
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) {
                control = true
            }
            previous = byte
        }
        if bytes == 0 {
            throw ValidationError(field: field, reason: "must not be empty")
        }
        if bytes > maxBytes {
            throw ValidationError(field: field, reason: "is \(bytes) bytes long; ids are at most \(maxBytes) bytes of UTF-8")
        }
        if control {
            throw ValidationError(field: field, reason: "must not contain control characters")
        }
    }
}
