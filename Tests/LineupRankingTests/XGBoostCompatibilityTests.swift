import Foundation
import LineupRanking
import Testing

/// Lineup scores XGBoost's own models exactly as XGBoost does. Every expected number comes
/// from XGBoost through `Fixtures/xgboost/generate.py`; nothing here is typed in by hand.
@Suite struct XGBoostCompatibilityTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/xgboost")

    struct Manifest: Decodable {
        struct Case: Decodable, CustomTestStringConvertible {
            var name: String
            var files: [String: String]
            var objective: String
            var features: Int
            var baseMargin: Double
            var testDescription: String { name }
        }

        struct Refused: Decodable, CustomTestStringConvertible {
            var file: String
            var mustName: String
            var testDescription: String { file }
        }

        var cases: [Case]
        var refused: [Refused]
        var tolerances: [String: Double]
    }

    static let manifest: Manifest = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let data = try! Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try! decoder.decode(Manifest.self, from: data)
    }()

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Numbers, one line per row, comma-separated within a row.
    static func table(_ name: String) throws -> [[Double]] {
        try text(name).split(separator: "\n").map { line in line.split(separator: ",").map { Double($0)! } }
    }

    static func load(_ testCase: Manifest.Case) throws -> (Forest, RowFile) {
        let forest = try Forest(contentsOf: directory.appendingPathComponent(testCase.files["model"]!))
        let rows = try RowFile(text: try text(testCase.files["rows_csv"]!), format: .csv, featureCount: forest.featureCount)
        return (forest, rows)
    }

    @Test(arguments: manifest.cases)
    func predictionsAndMarginsEqualXGBoost(_ testCase: Manifest.Case) throws {
        let (forest, rows) = try Self.load(testCase)
        #expect(forest.objective.rawValue == testCase.objective)
        #expect(forest.featureCount == testCase.features)
        #expect(abs(Double(forest.baseMargin) - testCase.baseMargin) <= 1e-6)
        let expectedPredictions = try Self.table(testCase.files["pred"]!).map { $0[0] }
        let expectedMargins = try Self.table(testCase.files["margin"]!).map { $0[0] }
        let (predictions, margins) = try rows.values.withUnsafeBufferPointer { values in
            (try forest.predictions(rows: values), try forest.margins(rows: values))
        }
        #expect(predictions.count == expectedPredictions.count)
        let tolerance = Self.manifest.tolerances["pred"]!
        for (row, (ours, theirs)) in zip(predictions, expectedPredictions).enumerated() {
            #expect(abs(Double(ours) - theirs) <= tolerance, "row \(row): \(ours) vs XGBoost \(theirs)")
        }
        for (row, (ours, theirs)) in zip(margins, expectedMargins).enumerated() {
            #expect(abs(Double(ours) - theirs) <= Self.manifest.tolerances["margin"]!, "row \(row) margin")
        }
    }

    @Test(arguments: manifest.cases)
    func contributionsEqualXGBoost(_ testCase: Manifest.Case) throws {
        let (forest, rows) = try Self.load(testCase)
        let expected = try Self.table(testCase.files["contribs"]!)
        let ours = try rows.values.withUnsafeBufferPointer { try forest.contributions(rows: $0) }
        #expect(ours.count == expected.count)
        let tolerance = Self.manifest.tolerances["contribs"]!
        for (row, (mine, theirs)) in zip(ours, expected).enumerated() {
            #expect(mine.count == theirs.count)
            let worst = zip(mine, theirs).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst <= tolerance, "row \(row): largest difference \(worst)")
        }
    }

    /// What Lineup writes reads back as the same model: every tree, gain, name and number
    /// (`check_written.py` shows that XGBoost loads it and predicts the same).
    @Test(arguments: manifest.cases)
    func writtenModelsReadBackUnchanged(_ testCase: Manifest.Case) throws {
        let (forest, rows) = try Self.load(testCase)
        let again = try Forest(xgboostJSON: forest.xgboostJSON())
        #expect(again.trees == forest.trees)
        #expect(again.objective == forest.objective && again.featureNames == forest.featureNames)
        #expect(again.baseScore == forest.baseScore && again.featureCount == forest.featureCount)
        let (before, after) = try rows.values.withUnsafeBufferPointer { values in
            (try forest.margins(rows: values), try again.margins(rows: values))
        }
        #expect(before == after)
    }

    @Test(arguments: manifest.cases)
    func libsvmRowsScoreLikeCSVRows(_ testCase: Manifest.Case) throws {
        let (forest, rows) = try Self.load(testCase)
        let libsvm = try RowFile(
            text: try Self.text(testCase.files["rows_libsvm"]!), format: .libsvm, featureCount: forest.featureCount)
        #expect(libsvm.count == rows.count)
        let a = try rows.values.withUnsafeBufferPointer { try forest.margins(rows: $0) }
        let b = try libsvm.values.withUnsafeBufferPointer { try forest.margins(rows: $0) }
        #expect(a == b)
    }

    @Test(arguments: manifest.refused)
    func unsupportedModelsAreRefusedByName(_ refused: Manifest.Refused) throws {
        let url = Self.directory.appendingPathComponent(refused.file)
        #expect {
            _ = try Forest(contentsOf: url)
        } throws: { error in
            guard case .unsupported(let what)? = error as? RankingError else { return false }
            return what.contains(refused.mustName)
        }
    }

    @Test func brokenFilesAreNamed() throws {
        #expect(throws: RankingError.self) { try Forest(xgboostJSON: Data("not json".utf8)) }
        let model = try Data(contentsOf: Self.directory.appendingPathComponent(Self.manifest.cases[0].files["model"]!))
        var object = try JSONSerialization.jsonObject(with: model) as! [String: Any]
        var learner = object["learner"] as! [String: Any]
        learner["objective"] = nil
        object["learner"] = learner
        let broken = try JSONSerialization.data(withJSONObject: object)
        #expect {
            _ = try Forest(xgboostJSON: broken)
        } throws: { error in
            guard case .malformedModel(let reason)? = error as? RankingError else { return false }
            return reason.contains("learner.objective")
        }
    }
}
