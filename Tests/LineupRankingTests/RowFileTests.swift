import LineupRanking
import Testing

@Suite struct RowFileTests {
    @Test func emptyCellsAreMissing() throws {
        let rows = try RowFile(text: "1,,3\n\n4,5,6\r\n", format: .csv, featureCount: 3)
        #expect(rows.count == 2)
        #expect(rows.values[1].isNaN)
        #expect(Array(rows.values[3...]) == [4, 5, 6])
    }

    @Test func libsvmIndicesAreZeroBasedAndAbsentIsMissing() throws {
        let rows = try RowFile(text: "1 qid:3 0:0.5 2:-1\n0\n", format: .libsvm, featureCount: 3)
        #expect(rows.count == 2)
        #expect(rows.values[0] == 0.5 && rows.values[1].isNaN && rows.values[2] == -1)
        #expect(rows.values[3...].allSatisfy { $0.isNaN })
    }

    @Test(arguments: [
        ("1,2\n", RowFile.Format.csv, 1), ("1,x,3\n", .csv, 1), ("1,2,3\n1,2\n", .csv, 2),
        ("0 3:1\n", .libsvm, 1), ("0 1-2\n", .libsvm, 1),
    ])
    func badRowsNameTheirLine(_ text: String, _ format: RowFile.Format, _ line: Int) {
        #expect {
            _ = try RowFile(text: text, format: format, featureCount: 3)
        } throws: { error in
            guard case .malformedRows(let at, _)? = error as? RankingError else { return false }
            return at == line
        }
    }
}
