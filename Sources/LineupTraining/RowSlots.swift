/// Every cell's histogram slot, row-major: two bytes a cell while the slots fit (under 256
/// features of 255 bins), four beyond.
enum RowSlots: Sendable {
    case narrow([UInt16], width: Int)
    case wide([UInt32], width: Int)

    init(bins: FeatureBins, offsets: [Int32], slots: Int) {
        let rows = bins.rowCount, width = bins.featureCount
        func fill<Slot: FixedWidthInteger>(_: Slot.Type) -> [Slot] {
            var cells = [Slot](repeating: 0, count: rows * width)
            for feature in 0..<width {
                let offset = Int(offsets[feature])
                for row in 0..<rows {
                    cells[row * width + feature] = Slot(truncatingIfNeeded: offset + Int(bins.bins[feature * rows + row]))
                }
            }
            return cells
        }
        self = slots <= Int(UInt16.max) ? .narrow(fill(UInt16.self), width: width) : .wide(fill(UInt32.self), width: width)
    }
}
