/// Rows of features read from text, as `lineup predict` takes them: comma-separated floats
/// (an empty cell is a missing value), or LIBSVM lines (`label index:value ...`, 0-based
/// indices as XGBoost writes them, absent features missing; the label first, kept in
/// `labels`).
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
        var lineNumber = 0
        // `isNewline` also takes "\r\n", which Swift reads as one character.
        for content in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if content.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            switch format {
            case .csv: try appendCSV(content, line: lineNumber)
            case .libsvm: try appendLIBSVM(content, line: lineNumber)
            }
        }
    }

    private mutating func appendCSV(_ line: Substring, line number: Int) throws(RankingError) {
        let cells = line.split(separator: ",", omittingEmptySubsequences: false)
        guard cells.count == featureCount else {
            throw .malformedRows(line: number, reason: "\(cells.count) values; the model has \(featureCount) features")
        }
        for (column, cell) in cells.enumerated() {
            let text = cell.trimmingCharacters(in: " \t")
            if text.isEmpty {
                values.append(.nan)
            } else if let value = Float(text) {
                values.append(value)
            } else {
                throw .malformedRows(line: number, reason: "column \(column + 1): \(text) is not a number")
            }
        }
    }

    private mutating func appendLIBSVM(_ line: Substring, line number: Int) throws(RankingError) {
        var row = [Float](repeating: .nan, count: featureCount)
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        // The first field is the label (with an optional `qid:` after it).
        guard let label = fields.first.flatMap({ Float($0) }) else {
            throw .malformedRows(line: number, reason: "\(fields.first ?? "") is not a label")
        }
        labels.append(label)
        for field in fields.dropFirst() where !field.hasPrefix("qid:") {
            let parts = field.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let index = Int(parts[0]), let value = Float(parts[1]) else {
                throw .malformedRows(line: number, reason: "\(field) is not index:value")
            }
            guard (0..<featureCount).contains(index) else {
                throw .malformedRows(line: number, reason: "feature index \(index); the model has \(featureCount) features (0-based)")
            }
            row[index] = value
        }
        values += row
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return text
    }
}
