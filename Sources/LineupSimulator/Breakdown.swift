/// A dimension a metric can be split by ("by region"). Its kind decides which widget kinds make
/// sense: only places go on a map, only cohorts and clock time make a heatmap.
struct Breakdown: Sendable {
    enum Kind: Sendable {
        case category, place, cohort, time
    }

    let noun: String
    let kind: Kind

    init(_ noun: String, _ kind: Kind = .category) {
        self.noun = noun
        self.kind = kind
    }

    var tag: String {
        noun.lowercased().replacingOccurrences(of: " ", with: "-")
    }
}
