/// Values counted regardless of order: how a check compares what a store streams in an
/// order it leaves open (ties of `scanScores`, the settled decisions) with what it expects.
struct Multiset<Element: Hashable>: Equatable, CustomStringConvertible {
    private(set) var counts: [Element: Int] = [:]

    init(_ elements: some Sequence<Element>) {
        for element in elements { counts[element, default: 0] += 1 }
    }

    var count: Int { counts.values.reduce(0, +) }

    var description: String {
        "\(count) values: " + counts.map { "\($0.key) ×\($0.value)" }.sorted().prefix(8).joined(separator: "; ")
            + (counts.count > 8 ? "; …" : "")
    }
}
