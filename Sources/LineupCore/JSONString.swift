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

    /// Why a text is not a JSON object of strings, and where.
    public struct Malformed: Error, CustomStringConvertible {
        /// The UTF-8 offset where reading stopped.
        public var offset: Int
        public var reason: String
        public var description: String { "not a JSON object of strings at byte \(offset): \(reason)" }
    }

    /// Reads a JSON object whose values are all strings: what `object(_:)` writes, or any
    /// equivalent text (whitespace, any key order, every escape). Written by hand for the
    /// same reason as the writer: every event read back from a store has a context, and a
    /// `JSONDecoder` per event cost more than the rest of reading it. A repeated key keeps
    /// its first value, as `JSONDecoder` does.
    public static func object(parsing text: String) throws(Malformed) -> [String: String] {
        var text = text
        let read = text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return Result { () throws(Malformed) in try reader.object() }
        }
        return try read.get()
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func object() throws(Malformed) -> [String: String] {
            var object: [String: String] = [:]
            try expect(UInt8(ascii: "{"))
            if try peek() == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    let key = try string()
                    try expect(UInt8(ascii: ":"))
                    let value = try string()
                    if object[key] == nil { object[key] = value }
                    let next = try peek()
                    index += 1
                    if next == UInt8(ascii: "}") { break }
                    guard next == UInt8(ascii: ",") else { throw failure("expected , or }") }
                }
            }
            skipWhitespace()
            guard index == bytes.count else { throw failure("text after the object") }
            return object
        }

        /// The next byte that is not whitespace, not consumed.
        mutating func peek() throws(Malformed) -> UInt8 {
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end") }
            return bytes[index]
        }

        mutating func expect(_ byte: UInt8) throws(Malformed) {
            guard try peek() == byte else { throw failure("expected \(Character(Unicode.Scalar(byte)))") }
            index += 1
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func string() throws(Malformed) -> String {
            try expect(UInt8(ascii: "\""))
            let start = index
            // The common case, no escapes: one copy of the bytes.
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                guard bytes[index] >= 0x20 else { throw failure("control character in a string") }
                index += 1
            }
            guard index < bytes.count else { throw failure("unterminated string") }
            if bytes[index] == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), as: UTF8.self)
            }
            var unescaped = Array(bytes[start..<index])
            while bytes[index] != UInt8(ascii: "\"") {
                index += 1  // the backslash
                guard index < bytes.count else { throw failure("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
                case UInt8(ascii: "b"): unescaped.append(0x08)
                case UInt8(ascii: "f"): unescaped.append(0x0C)
                case UInt8(ascii: "n"): unescaped.append(0x0A)
                case UInt8(ascii: "r"): unescaped.append(0x0D)
                case UInt8(ascii: "t"): unescaped.append(0x09)
                case UInt8(ascii: "u"): unescaped.append(contentsOf: try escapedScalar())
                default: throw failure("unknown escape")
                }
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                    guard bytes[index] >= 0x20 else { throw failure("control character in a string") }
                    unescaped.append(bytes[index])
                    index += 1
                }
                guard index < bytes.count else { throw failure("unterminated string") }
            }
            index += 1  // the closing quote
            return String(decoding: unescaped, as: UTF8.self)
        }

        /// After `\u`: four hex digits, and a low surrogate's escape after a high one.
        mutating func escapedScalar() throws(Malformed) -> String.UTF8View {
            let unit = try hex4()
            var value = UInt32(unit)
            if (0xD800..<0xDC00).contains(unit) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw failure("lone high surrogate") }
                index += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("high surrogate without its low one") }
                value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else { throw failure("lone low surrogate") }
            return String(Character(scalar)).utf8
        }

        mutating func hex4() throws(Malformed) -> UInt16 {
            guard index + 4 <= bytes.count else { throw failure("short \\u escape") }
            var value: UInt16 = 0
            for byte in bytes[index..<(index + 4)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw failure("bad hex digit in \\u escape")
                }
                value = value << 4 | UInt16(digit)
            }
            index += 4
            return value
        }

        func failure(_ reason: String) -> Malformed { Malformed(offset: index, reason: reason) }
    }
}
