/// A string as a JSON string literal, written by hand where a `JSONEncoder` per value would
/// cost more than the work around it: every stored event's context, every exported line.
public enum JSONString {
    /// Appends `value` quoted and escaped as RFC 8259 requires (quote, backslash and control
    /// characters; everything else as is, UTF-8).
    public static func append(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    public static func quoted(_ value: String) -> String {
        var text = ""
        append(value, to: &text)
        return text
    }

    /// A string-to-string object with its keys sorted, so equal objects are equal text.
    public static func object(_ object: [String: String]) -> String {
        var text = "{"
        for (index, key) in object.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            append(key, to: &text)
            text += ":"
            append(object[key] ?? "", to: &text)
        }
        return text + "}"
    }
}
