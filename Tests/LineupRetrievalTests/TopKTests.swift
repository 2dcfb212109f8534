import LineupCore
@testable import LineupRetrieval
import Testing

/// The selection against a full sort, on streams built to stress it: few distinct scores
/// (ties everywhere, including across the bar at every compaction), negative scores, -0
/// next to +0, ids that do not follow row order, and blocks of awkward sizes.
@Suite struct TopKTests {
    static let cases: [(rows: Int, distinct: Int, k: Int, block: Int)] = [
        (1, 1, 1, 8), (5, 2, 10, 3), (40, 3, 7, 8), (1_000, 5, 37, 13), (5_000, 10, 200, 1_024),
        (5_000, 5_000, 200, 777), (20_000, 40, 450, 8_192), (3_000, 2, 1_500, 100),
        (60_000, 60_000, 1_000, 4_096), (2_000, 2_000, 999, 1_000),
    ]

    @Test(arguments: cases)
    func keepsTheBestByScoreThenId(_ shape: (rows: Int, distinct: Int, k: Int, block: Int)) {
        var rng = SeededGenerator(seed: UInt64(shape.rows * 7 + shape.distinct))
        let values = (0..<shape.distinct).map { Float($0) / Float(shape.distinct) - 0.5 } + [-0.0, 0.0]
        let scores = (0..<shape.rows).map { _ in values[Int(rng.next() % UInt64(values.count))] }
        let ids = (0..<shape.rows).map { "id-\(($0 * 7_919) % 100_003)" }
        let best = (0..<shape.rows)
            .sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : ids[$0] < ids[$1] }
            .prefix(shape.k)

        let blockwise = TopK(k: shape.k, ids: ids)
        scores.withUnsafeBufferPointer { all in
            for first in stride(from: 0, to: shape.rows, by: shape.block) {
                let block = UnsafeBufferPointer(rebasing: all[first..<min(first + shape.block, shape.rows)])
                blockwise.offer(scores: block, firstRow: first)
            }
        }
        let onebyone = TopK(k: shape.k, ids: ids)
        for (row, score) in scores.enumerated().reversed() { onebyone.offer(score: score, row: row) }

        for selection in [blockwise.sorted(), onebyone.sorted()] {
            #expect(selection.map(\.id) == best.map { ids[$0] })
            #expect(selection.map(\.score) == best.map { scores[$0] })
        }
    }

    /// Streams that rise or fall steadily: a rising one makes every row enter and the
    /// reservoir compact every `k` rows; a falling one fills it once. Distinct scores, so the
    /// partitions and the final sort see no ties.
    @Test(arguments: [true, false])
    func orderedStreams(rising: Bool) {
        let rows = 30_000
        let k = 700
        let scores = (0..<rows).map { Float(rising ? $0 : rows - $0) / Float(rows) }
        let ids = (0..<rows).map { "w\($0)" }
        let selector = TopK(k: k, ids: ids)
        scores.withUnsafeBufferPointer { all in
            for first in stride(from: 0, to: rows, by: 1_000) {
                selector.offer(scores: UnsafeBufferPointer(rebasing: all[first..<(first + 1_000)]), firstRow: first)
            }
        }
        let best = (0..<rows).sorted { scores[$0] > scores[$1] }.prefix(k)
        #expect(selector.sorted().map(\.id) == best.map { ids[$0] })
    }

    @Test func nothingToKeep() {
        #expect(TopK(k: 0, ids: ["a"]).sorted().isEmpty)
        #expect(TopK(k: 5, ids: []).sorted().isEmpty)
    }
}
