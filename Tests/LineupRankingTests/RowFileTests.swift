import LineupCore
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

    /// The byte parser's fast path rounds as the standard library does, at the edges of
    /// where it applies (seven digits, 2²⁴, ten decimals) and past them.
    @Test func numbersParseAsTheStandardLibraryParsesThem() throws {
        var texts = ["0", "-0", "1.", ".5", "-.5", "+3", "16777215", "16777216", "16777217", "0.1", "0.3",
                     "3.4028235e38", "1e-45", "nan", "inf", "-inf", "0.0000000001", "0.00000000001", "9999999.9",
                     "123456.7", "1234567", "12345678", "0.12345678", "-8388607.5"]
        var random = SeededGenerator(seed: 17)
        for _ in 0..<20_000 {
            let digits = String((0..<Int.random(in: 1...9, using: &random)).map { _ in "0123456789".randomElement(using: &random)! })
            let dot = Int.random(in: 0...digits.count, using: &random)
            let sign = ["", "-", "+"].randomElement(using: &random)!
            texts.append(sign + digits.prefix(dot) + "." + digits.dropFirst(dot))
            texts.append(sign + digits)
        }
        let rows = try RowFile(text: texts.joined(separator: "\n"), format: .csv, featureCount: 1)
        for (text, value) in zip(texts, rows.values) {
            let expected = Float(text)!
            #expect(value.bitPattern == expected.bitPattern || (value.isNaN && expected.isNaN), "\(text)")
        }
    }
}
