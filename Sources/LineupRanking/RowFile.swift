/// Rows of features read from text, as `lineup predict` and `lineup train` take them:
/// comma-separated floats (an empty cell is a missing value), or LIBSVM lines
/// (`label index:value ...`, 0-based indices as XGBoost writes them, absent features
/// missing; the label first, kept in `labels`).
///
/// Parsed from the UTF-8 bytes: training files run to millions of fields, and going through
/// `Character`s and `Substring`s made reading 100k rows take longer than training on them.
public struct RowFile: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case libsvm
    }

    /// Row after row, `featureCount` floats each, NaN for missing.
    public var values: [Float]
    public var featureCount: Int
    /// Each LIBSVM row's label (empty for CSV).
    public var labels: [Float] = []
    public var count: Int { featureCount == 0 ? 0 : values.count / featureCount }

    /// Parses `text`; every row must have `featureCount` cells (CSV) or indices below it (LIBSVM).
    public init(text: String, format: Format, featureCount: Int) throws(RankingError) {
        self.featureCount = featureCount
        values = []
        var text = text
        let result: Result<Void, RankingError> = text.withUTF8 { bytes in
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != newline, bytes[end] != carriageReturn { end += 1 }
                lineNumber += 1
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if !line.allSatisfy({ $0 == space || $0 == tab }) {
                    do throws(RankingError) {
                        switch format {
                        case .csv: try appendCSV(line, line: lineNumber)
                        case .libsvm: try appendLIBSVM(line, line: lineNumber)
                        }
                    } catch {
                        return .failure(error)
                    }
                }
                // "\r\n" ends one line, not two.
                if end < bytes.count, bytes[end] == carriageReturn, end + 1 < bytes.count, bytes[end + 1] == newline {
                    end += 1
                }
                start = end + 1
            }
            return .success(())
        }
        try result.get()
    }

    private mutating func appendCSV(_ line: UnsafeBufferPointer<UInt8>, line number: Int) throws(RankingError) {
        var column = 0
        var start = 0
        while true {
            var end = start
            while end < line.count, line[end] != comma { end += 1 }
            column += 1
            guard column <= featureCount else {
                throw .malformedRows(line: number, reason: "more than \(featureCount) values; the model has \(featureCount) features")
            }
            let cell = Self.trimmed(UnsafeBufferPointer(rebasing: line[start..<end]))
            if cell.isEmpty {
                values.append(.nan)
            } else if let value = Self.float(cell) {
                values.append(value)
            } else {
                throw .malformedRows(line: number, reason: "column \(column): \(Self.text(cell)) is not a number")
            }
            if end == line.count { break }
            start = end + 1
        }
        guard column == featureCount else {
            throw .malformedRows(line: number, reason: "\(column) values; the model has \(featureCount) features")
        }
    }

    private mutating func appendLIBSVM(_ line: UnsafeBufferPointer<UInt8>, line number: Int) throws(RankingError) {
        let rowStart = values.count
        values.append(contentsOf: repeatElement(.nan, count: featureCount))
        var start = 0
        var isLabel = true
        while start < line.count {
            while start < line.count, line[start] == space || line[start] == tab { start += 1 }
            var end = start
            while end < line.count, line[end] != space, line[end] != tab { end += 1 }
            if start == end { break }
            let field = UnsafeBufferPointer(rebasing: line[start..<end])
            start = end
            if isLabel {
                // The first field is the label (with an optional `qid:` after it).
                guard let label = Self.float(field) else {
                    throw .malformedRows(line: number, reason: "\(Self.text(field)) is not a label")
                }
                labels.append(label)
                isLabel = false
                continue
            }
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else {
                throw .malformedRows(line: number, reason: "\(Self.text(field)) is not index:value")
            }
            let key = UnsafeBufferPointer(rebasing: field[..<colon])
            if key.elementsEqual("qid".utf8) { continue }
            guard let index = Self.integer(key), let value = Self.float(UnsafeBufferPointer(rebasing: field[(colon + 1)...]))
            else {
                throw .malformedRows(line: number, reason: "\(Self.text(field)) is not index:value")
            }
            guard index < featureCount else {
                throw .malformedRows(line: number, reason: "feature index \(index); the model has \(featureCount) features (0-based)")
            }
            values[rowStart + index] = value
        }
    }

    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var low = 0, high = bytes.count
        while low < high, bytes[low] == space || bytes[low] == tab { low += 1 }
        while high > low, bytes[high - 1] == space || bytes[high - 1] == tab { high -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[low..<high])
    }

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// A non-negative decimal integer, or nil.
    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= zero, byte <= nine else { return nil }
            value = value * 10 + Int(byte - zero)
        }
        return value
    }

    /// A decimal number, correctly rounded to Float as `Float(String)` rounds it. Plain
    /// decimals of up to 7 significant digits, most of what training files hold, take the
    /// fast path: an integer below 2²⁴ divided or multiplied by a power of ten up to 10¹⁰,
    /// both exact in Float, so the one rounding of IEEE division is the correct one
    /// (Clinger's fast path). Anything else goes through the standard library.
    static func float(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == minus || bytes[index] == plus {
            negative = bytes[index] == minus
            index += 1
        }
        var mantissa = 0
        var digits = 0
        var fractionDigits = 0
        var sawDot = false
        var plain = index < bytes.count
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= zero, byte <= nine {
                if mantissa > 0 || byte != zero { digits += 1 }
                mantissa = mantissa &* 10 &+ Int(byte - zero)
                if sawDot { fractionDigits += 1 }
                if digits > 7 { plain = false; break }
            } else if byte == dot, !sawDot {
                sawDot = true
            } else {
                plain = false
                break
            }
            index += 1
        }
        if plain, mantissa < 1 << 24, fractionDigits <= 10, bytes.count > (sawDot ? 1 : 0) + (negative || bytes[0] == plus ? 1 : 0) {
            let magnitude = fractionDigits == 0 ? Float(mantissa) : Float(mantissa) / powersOfTen[fractionDigits]
            return negative ? -magnitude : magnitude
        }
        return Float(text(bytes))
    }

    private static let powersOfTen: [Float] = (0...10).map { exponent in
        var value: Float = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}

private let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
private let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), comma = UInt8(ascii: ",")
private let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9"), dot = UInt8(ascii: ".")
private let minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+")
