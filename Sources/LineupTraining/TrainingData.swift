/// Rows to learn from or to validate on: features, labels and, for ranking, query groups.
public struct TrainingData: Sendable {
    /// Row after row, `featureCount` floats each, NaN for missing.
    public var rows: [Float]
    public var labels: [Float]
    /// Sizes of consecutive query groups (one per logged request), summing to the rows;
    /// nil for objectives that judge rows one by one.
    public var groups: [Int]?
    public var featureCount: Int
    /// Written into the model, where serving checks them against its feature schema.
    public var featureNames: [String]?

    public var count: Int { labels.count }

    public init(
        rows: [Float], labels: [Float], groups: [Int]? = nil, featureCount: Int, featureNames: [String]? = nil
    ) throws(TrainingError) {
        guard featureCount > 0, !labels.isEmpty, rows.count == labels.count * featureCount else {
            throw .invalidData("\(rows.count) values for \(labels.count) labels of \(featureCount) features")
        }
        guard labels.allSatisfy(\.isFinite) else { throw .invalidData("labels must be finite numbers") }
        if let groups {
            guard groups.allSatisfy({ $0 > 0 }), groups.reduce(0, +) == labels.count else {
                throw .invalidData("the query groups' sizes add up to \(groups.reduce(0, +)), not to the \(labels.count) rows")
            }
        }
        self.rows = rows
        self.labels = labels
        self.groups = groups
        if let featureNames, featureNames.count != featureCount {
            throw .invalidData("\(featureNames.count) feature names for \(featureCount) features")
        }
        self.featureCount = featureCount
        self.featureNames = featureNames
    }
}
