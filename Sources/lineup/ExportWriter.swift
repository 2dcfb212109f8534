import Foundation
import LineupCore
import LineupStore

/// Formats labeled impressions as JSON lines or CSV and writes them in 256 KB chunks.
struct ExportWriter {
    enum Format { case jsonl, csv }

    let format: Format
    /// Feature names of the current schema: the CSV's feature columns, prefixed `f_`.
    let names: [String]
    let output: FileHandle
    private var buffer = ""
    private(set) var lines = 0

    static let columns = [
        "request_id", "time", "user_id", "surface", "experiment", "variant", "ranker", "model_version", "layout_arm",
        "layout_propensity", "item_id", "position", "score", "retrieval_score", "pinned", "label", "negative",
    ]

    init(format: Format, names: [String], output: FileHandle) {
        self.format = format
        self.names = names
        self.output = output
        buffer.reserveCapacity(1 << 18)
    }

    mutating func header() {
        guard format == .csv else { return }
        buffer += (Self.columns + names.map { "f_" + $0 }).joined(separator: ",") + "\n"
    }

    mutating func write(_ labeled: LabeledImpression) {
        let impression = labeled.impression
        let time = RFC3339.string(impression.time)
        for (index, item) in impression.items.enumerated() {
            let values: [Value] = [
                .text(impression.requestId), .text(time), .text(impression.userId), .text(impression.surface),
                .optionalText(impression.experiment), .optionalText(impression.variant), .text(impression.ranker),
                .optionalText(impression.modelVersion), .optionalText(impression.layoutArm),
                .number(impression.layoutPropensity.map { "\($0)" }), .text(item.itemId), .number("\(item.position)"),
                .number(Self.number(item.score)), .number(Self.number(item.retrievalScore)), .flag(item.pinned),
                .number("\(labeled.labels[index])"), .flag(labeled.negatives[index]),
            ]
            switch format {
            case .jsonl:
                buffer += "{"
                for (column, value) in zip(Self.columns, values) {
                    buffer += "\"\(column)\":" + value.json + ","
                }
                buffer += "\"features\":[" + item.features.map { Self.number($0) ?? "null" }.joined(separator: ",") + "]}\n"
            case .csv:
                var fields = values.map(\.csv)
                fields += names.indices.map { $0 < item.features.count ? Self.number(item.features[$0]) ?? "" : "" }
                buffer += fields.joined(separator: ",") + "\n"
            }
            lines += 1
        }
        if buffer.utf8.count >= 1 << 18 { drain() }
    }

    mutating func finish() { drain() }

    private mutating func drain() {
        output.write(Data(buffer.utf8))
        buffer.removeAll(keepingCapacity: true)
    }

    /// The shortest text that reads back as the same Float32; nil for NaN or infinities.
    static func number(_ value: Float) -> String? {
        value.isFinite ? "\(value)" : nil
    }

    enum Value {
        case text(String)
        case optionalText(String?)
        case number(String?)
        case flag(Bool)

        var json: String {
            switch self {
            case .text(let text): Self.quoted(text)
            case .optionalText(let text): text.map(Self.quoted) ?? "null"
            case .number(let number): number ?? "null"
            case .flag(let flag): flag ? "true" : "false"
            }
        }

        var csv: String {
            switch self {
            case .text(let text): Self.csvField(text)
            case .optionalText(let text): text.map(Self.csvField) ?? ""
            case .number(let number): number ?? ""
            case .flag(let flag): flag ? "1" : "0"
            }
        }

        static func quoted(_ text: String) -> String {
            JSONString.quoted(text)
        }

        static func csvField(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
