/// The best `k` of a stream of scored rows, without sorting the stream: a bounded min-heap
/// whose root is the worst kept row, so most rows cost one comparison against it.
///
/// "Better" is the higher score, and between equal scores the smaller item id, so results
/// never depend on row order.
struct TopK {
    let k: Int
    private let ids: [String]
    private var heap: [(score: Float, row: Int)] = []

    init(k: Int, ids: [String]) {
        self.k = k
        self.ids = ids
        heap.reserveCapacity(min(k, ids.count))
    }

    /// The score a row must reach to enter, when the heap is full.
    var threshold: Float { heap.count == k ? heap[0].score : -.infinity }

    mutating func offer(score: Float, row: Int) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append((score, row))
            siftUp(heap.count - 1)
        } else if isBetter((score, row), than: heap[0]) {
            heap[0] = (score, row)
            siftDown(0)
        }
    }

    /// Offers every score of a block of consecutive rows starting at `firstRow`.
    mutating func offer(scores: UnsafeBufferPointer<Float>, firstRow: Int) {
        var bar = threshold
        for index in 0..<scores.count where scores[index] >= bar {
            offer(score: scores[index], row: firstRow + index)
            bar = threshold
        }
    }

    /// The kept rows, best first.
    func sorted() -> [ScoredItem] {
        heap.sorted { isBetter($0, than: $1) }.map { ScoredItem(id: ids[$0.row], score: $0.score) }
    }

    private func isBetter(_ a: (score: Float, row: Int), than b: (score: Float, row: Int)) -> Bool {
        a.score != b.score ? a.score > b.score : ids[a.row] < ids[b.row]
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard isBetter(heap[parent], than: heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var worst = parent
            if left < heap.count && isBetter(heap[worst], than: heap[left]) { worst = left }
            if right < heap.count && isBetter(heap[worst], than: heap[right]) { worst = right }
            if worst == parent { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
