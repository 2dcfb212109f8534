import ArgumentParser
import Foundation
import LineupRetrieval

/// Exact top-K over the files `benchmarks/retrieval/peers.py generate` writes, timed the way
/// peers.py times FAISS and NumPy, so the two tables compare line by line.
struct BenchRetrieval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieval",
        abstract: "Time exact cosine top-K (batch 1 and 64) on peers.py's vectors; check ids against FAISS."
    )

    @Option(help: "The directory peers.py generate wrote.")
    var data: String

    @Option(help: "Results per query.")
    var k = 200

    @Option(help: "Rounds over the 256 queries; the median per-query time is reported.")
    var rounds = 5

    @Option(help: "Comma-separated catalog names.")
    var catalogs = "10k-128,100k-64,1M-64"

    @Option(help: "Which of the two batch sizes to time: 1, 64 or both (a profile of one).")
    var batches = "1,64"

    @Option(help: "Concurrent callers for the micro-batching measurement (0 skips it).")
    var concurrency = 32

    @Option(help: "The catalog of the micro-batching measurement.")
    var concurrencyCatalog = "100k-64"

    @Option(help: "Batching window of the micro-batching measurement, in milliseconds.")
    var windowMs = 1.0

    @Option(help: "Also write the results as JSON to this file (read by benchmarks/retrieval/compare.py).")
    var json: String?

    /// What `--json` writes: per-query medians in milliseconds.
    struct Report: Encodable {
        struct Catalog: Encodable {
            var name: String
            var rows: Int
            var dimension: Int
            var batch1Ms: Double?
            var batch64Ms: Double?
            var idsEqualToFAISS: String
        }

        struct Concurrency: Encodable {
            var catalog: String
            var callers: Int
            var windowMs: Double
            var sequentialQueriesPerSecond: Double
            var concurrentQueriesPerSecond: Double
            var p50Ms: Double
            var p99Ms: Double
        }

        var blas: String
        var blasPath: String
        var k: Int
        var catalogs: [Catalog] = []
        var concurrency: Concurrency?
    }

    func run() async throws {
        BLASLibrary.useOneThreadPerCall()
        Console.line("BLAS: \(BLASLibrary.name) (\(BLASLibrary.path)), 1 thread")
        Console.line("| catalog | Lineup batch 1 (ms/query) | Lineup batch 64 (ms/query) | ids equal to FAISS (first 64 queries) |")
        Console.line("|---|---|---|---|")
        var report = Report(blas: BLASLibrary.name, blasPath: BLASLibrary.path, k: k)
        for name in catalogs.split(separator: ",").map(String.init) {
            report.catalogs.append(try measure(name))
        }
        if concurrency > 0 { report.concurrency = try await measureConcurrency(concurrencyCatalog) }
        if let json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Throughput of `concurrency` callers through `BatchingSearch` against one caller at a
    /// time, on the same queries, and the latency each concurrent caller saw.
    private func measureConcurrency(_ name: String) async throws -> Report.Concurrency {
        let (matrix, queries) = try load(name)
        let index = EmbeddingIndex(matrix)
        var configuration = BatchingSearch.Configuration()
        configuration.window = .microseconds(Int64((windowMs * 1_000).rounded()))
        let search = BatchingSearch(index: index, configuration: configuration)
        let total = queries.count * rounds

        let start = DispatchTime.now().uptimeNanoseconds
        for number in 0..<total { _ = try await search.nearest(to: queries[number % queries.count], k: k) }
        let sequentialSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        let concurrentStart = DispatchTime.now().uptimeNanoseconds
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    // A closed loop: each caller asks again the moment its answer arrives, so
                    // a request's latency runs from the previous answer (or the start), and
                    // includes any wait for a thread to run on, not only the time inside
                    // `nearest`. Searches hold the thread they run on; timing from inside the
                    // task would leave out the queue in front of the cooperative pool.
                    var mine: [Double] = []
                    var asked = concurrentStart
                    for number in stride(from: caller, to: total, by: concurrency) {
                        _ = try await search.nearest(to: queries[number % queries.count], k: k)
                        let answered = DispatchTime.now().uptimeNanoseconds
                        mine.append(Double(answered - asked) / 1e6)
                        asked = answered
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
        }
        let concurrentSeconds = Double(DispatchTime.now().uptimeNanoseconds - concurrentStart) / 1e9
        let sequentialRate = Double(total) / sequentialSeconds
        let concurrentRate = Double(total) / concurrentSeconds
        let p50 = latencies[latencies.count / 2]
        let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
        Console.line("")
        Console.line("micro-batching, \(name), k=\(k), window \(windowMs) ms: one at a time \(Int(sequentialRate)) queries/s; "
            + "\(concurrency) concurrent callers \(Int(concurrentRate)) queries/s "
            + "(\(String(format: "%.2f", concurrentRate / sequentialRate))×), latency p50 \(format(p50)) ms, p99 \(format(p99)) ms")
        return Report.Concurrency(
            catalog: name, callers: concurrency, windowMs: windowMs, sequentialQueriesPerSecond: sequentialRate,
            concurrentQueriesPerSecond: concurrentRate, p50Ms: p50, p99Ms: p99)
    }

    private func load(_ name: String) throws -> (EmbeddingMatrix, [[Float]]) {
        let directory = URL(fileURLWithPath: data)
        let meta = try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("\(name).json"))) as? [String: Any] ?? [:]
        guard let rows = meta["rows"] as? Int, let dimension = meta["dim"] as? Int else {
            throw ValidationError("\(name).json has no rows or dim")
        }
        let catalog = try floats(directory.appendingPathComponent("\(name).catalog.f32"))
        let queryData = try floats(directory.appendingPathComponent("\(name).queries.f32"))
        let queries = stride(from: 0, to: queryData.count, by: dimension).map { Array(queryData[$0..<($0 + dimension)]) }
        let ids = (0..<rows).map { String(format: "%08d", $0) }
        return (try EmbeddingMatrix(dimension: dimension, ids: ids, vectors: catalog), queries)
    }

    private func measure(_ name: String) throws -> Report.Catalog {
        let (matrix, queries) = try load(name)

        let sizes = Set(batches.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        var single: [Double] = []
        var batched: [Double] = []
        for _ in 0..<rounds {
            for query in queries where sizes.contains("1") {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try matrix.nearest(to: query, k: k)
                single.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            for first in stride(from: 0, to: queries.count, by: 64) where sizes.contains("64") {
                let batch = Array(queries[first..<min(first + 64, queries.count)])
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try matrix.nearest(to: batch, k: k)
                batched.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(batch.count))
            }
        }
        let agreement = try agreementWithFAISS(name: name, matrix: matrix, queries: queries)
        let batch1 = single.isEmpty ? nil : median(single)
        let batch64 = batched.isEmpty ? nil : median(batched)
        Console.line("| \(name) | \(batch1.map(format) ?? "—") | \(batch64.map(format) ?? "—") | \(agreement) |")
        return Report.Catalog(
            name: name, rows: matrix.count, dimension: matrix.dimension, batch1Ms: batch1, batch64Ms: batch64,
            idsEqualToFAISS: agreement)
    }

    /// Queries whose top-K ids equal FAISS's, counting a difference only where the scores
    /// differ (an exact tie may be broken either way).
    private func agreementWithFAISS(name: String, matrix: EmbeddingMatrix, queries: [[Float]]) throws -> String {
        let directory = URL(fileURLWithPath: data)
        let idFile = directory.appendingPathComponent("\(name).faiss-top\(k).i64")
        let scoreFile = directory.appendingPathComponent("\(name).faiss-top\(k).f32")
        guard FileManager.default.fileExists(atPath: idFile.path) else { return "no reference (run peers.py run)" }
        let referenceIds = try Data(contentsOf: idFile).withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
        let referenceScores = try floats(scoreFile)
        let checked = min(64, queries.count, referenceIds.count / k)
        var equal = 0
        for query in 0..<checked {
            let ours = try matrix.nearest(to: queries[query], k: k)
            let theirIds = referenceIds[(query * k)..<((query + 1) * k)].map { String(format: "%08d", $0) }
            let theirScores = Array(referenceScores[(query * k)..<((query + 1) * k)])
            let boundary = theirScores.last ?? 0
            // Ids must match wherever the score is clear of the cut-off (ties at the cut-off may differ).
            let sure = Set(zip(theirIds, theirScores).filter { $0.1 > boundary + 1e-6 }.map(\.0))
            if sure.isSubset(of: Set(ours.map(\.id))) && ours.count == theirIds.count { equal += 1 }
        }
        return "\(equal)/\(checked)"
    }

    private func floats(_ url: URL) throws -> [Float] {
        try Data(contentsOf: url).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    private func format(_ milliseconds: Double) -> String {
        String(format: "%.3f", milliseconds)
    }
}
