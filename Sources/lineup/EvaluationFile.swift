import ArgumentParser
import Foundation
import LineupEvaluation

/// A JSON-lines file of shown widgets (request_id, item_id, position, score, label), as
/// `lineup export` writes it, read into per-request lists. Lines of a request need not be
/// adjacent; requests keep the order of their first line.
struct EvaluationFile {
    let path: String

    struct Line: Decodable {
        let requestId: String
        let itemId: String
        let position: Int
        let score: Double
        let label: Int

        enum CodingKeys: String, CodingKey {
            case requestId = "request_id", itemId = "item_id", position, score, label
        }
    }

    func summary(cutoffs: [Int]) throws -> EvaluationSummary {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("--input \(path) cannot be read") }
        defer { try? handle.close() }
        var requests: [String: Int] = [:]
        var items: [[JudgedItem]] = []
        var scores: [Double] = []
        var positives: [Bool] = []
        let decoder = JSONDecoder()
        var number = 0
        var pending = Data()
        func take(_ line: Data) throws {
            number += 1
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { return }
            let entry: Line
            do {
                entry = try decoder.decode(Line.self, from: line)
            } catch {
                throw ValidationError("--input \(path), line \(number): \(Self.describe(error))")
            }
            guard entry.score.isFinite else { throw ValidationError("--input \(path), line \(number): score must be a finite number") }
            guard entry.label >= 0 else { throw ValidationError("--input \(path), line \(number): label must be 0 or more") }
            let index = requests[entry.requestId] ?? {
                requests[entry.requestId] = items.count
                items.append([])
                return items.count - 1
            }()
            items[index].append(JudgedItem(score: entry.score, label: entry.label, position: entry.position))
            scores.append(entry.score)
            positives.append(entry.label > 0)
        }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(chunk)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try take(pending[start..<newline])
                start = pending.index(after: newline)
            }
            pending = Data(pending[start...])
        }
        if !pending.isEmpty { try take(pending) }
        var accumulator = try MetricsAccumulator(cutoffs: cutoffs)
        for request in items { accumulator.add(request: request) }
        return accumulator.summary(auc: AUC.pooled(scores: scores, positives: positives))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "field \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case DecodingError.dataCorrupted: "not a JSON object"
        default: "\(error)"
        }
    }
}
