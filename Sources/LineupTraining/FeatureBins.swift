/// Every feature's values replaced by a small bin number, as histogram-based boosting
/// (XGBoost's `hist`, LightGBM) trains: a split is then chosen among at most `maxBins`
/// boundaries per feature, from per-bin sums of gradients, instead of among every value.
///
/// Bin 0 holds missing values; bins 1... hold value ranges in increasing order. Each bin `b`
/// ends at `upper[f][b]`: a value lies in bin `b` exactly when it is below that boundary and
/// not below the previous one, so the split "bins ≤ b go left" is the test `x < upper[b]`
/// that XGBoost applies, and a trained tree routes raw rows where the bins did. That is
/// also why validation rows are binned with the training rows' boundaries: walking a tree
/// by bins is then walking it by values.
///
/// Boundaries sit on values that occur (the smallest value of the next bin), chosen at
/// quantiles of the non-missing values when there are more distinct values than bins.
struct FeatureBins: Sendable {
    let rowCount: Int
    let featureCount: Int
    /// Column-major, `bins[feature * rowCount + row]`: splitting a node's rows reads one
    /// feature of many rows. (The histogram pass reads rows; `TreeBuilder` keeps its own
    /// row-major copy.)
    let bins: [UInt8]
    /// Per feature, the boundary each bin ends at; index 0 (missing) unused, the last is +∞.
    let upper: [[Float]]

    /// Bins `rows` at quantiles of their own values, a feature per core at a time.
    init(rows: [Float], rowCount: Int, featureCount: Int, maxBins: Int, parallel: Bool = true) {
        precondition((2...255).contains(maxBins), "between 2 and 255 bins")
        precondition(rows.count == rowCount * featureCount)
        var upper = [[Float]](repeating: [], count: featureCount)
        upper.withUnsafeMutableBufferPointer { upper in
            Parallel.run(featureCount, parallel: parallel) { feature in
                var column = [Float]()
                column.reserveCapacity(rowCount)
                for row in 0..<rowCount where !rows[row * featureCount + feature].isNaN {
                    column.append(rows[row * featureCount + feature] + 0)  // + 0: −0 is +0
                }
                column.sort()
                upper[feature] = [-.infinity] + Self.boundaries(sorted: column, maxBins: maxBins) + [.infinity]
            }
        }
        self.init(rows: rows, rowCount: rowCount, featureCount: featureCount, upper: upper, parallel: parallel)
    }

    /// Bins `rows` at the boundaries of `reference` (a validation set at the training set's).
    init(rows: [Float], rowCount: Int, like reference: FeatureBins, parallel: Bool = true) {
        self.init(rows: rows, rowCount: rowCount, featureCount: reference.featureCount, upper: reference.upper, parallel: parallel)
    }

    private init(rows: [Float], rowCount: Int, featureCount: Int, upper: [[Float]], parallel: Bool) {
        precondition(rows.count == rowCount * featureCount && upper.count == featureCount)
        self.rowCount = rowCount
        self.featureCount = featureCount
        self.upper = upper
        var bins = [UInt8](repeating: 0, count: rowCount * featureCount)
        bins.withUnsafeMutableBufferPointer { bins in
            Parallel.run(featureCount, parallel: parallel) { feature in
                // The inner boundaries: bins 1... end at them, the last bin at +∞.
                let boundaries = upper[feature].dropFirst().dropLast()
                for row in 0..<rowCount {
                    let value = rows[row * featureCount + feature]
                    guard !value.isNaN else { continue }
                    // The first boundary above the value, counted from 1: its bin.
                    var low = boundaries.startIndex, high = boundaries.endIndex
                    while low < high {
                        let middle = (low + high) / 2
                        if value < boundaries[middle] { high = middle } else { low = middle + 1 }
                    }
                    bins[feature * rowCount + row] = UInt8(low)
                }
            }
        }
        self.bins = bins
    }

    /// Inner boundaries (at most `maxBins − 1`): values that start a bin, after the first.
    static func boundaries(sorted values: [Float], maxBins: Int) -> [Float] {
        guard let first = values.first else { return [] }
        var distinct: [Float] = [first]
        for value in values.dropFirst() where value != distinct[distinct.count - 1] { distinct.append(value) }
        if distinct.count <= maxBins { return Array(distinct.dropFirst()) }
        // Cut at quantiles by count: the value found at each 1/maxBins of the sorted rows.
        var cuts: [Float] = []
        for step in 1..<maxBins {
            let value = values[step * values.count / maxBins]
            if value > first, value != cuts.last { cuts.append(value) }
        }
        return cuts
    }

    /// Bins of feature `f`, the missing bin 0 included.
    func binCount(_ feature: Int) -> Int { upper[feature].count }

    /// The bin of one cell.
    func bin(row: Int, feature: Int) -> Int { Int(bins[feature * rowCount + row]) }
}
