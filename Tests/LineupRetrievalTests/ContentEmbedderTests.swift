@testable import LineupRetrieval
import Testing

@Suite struct ContentEmbedderTests {
    let embedder = ContentEmbedder(dimension: 64)

    func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    func embed(_ title: String, _ type: String = "chart", tags: [String] = []) -> [Float] {
        embedder.embedding(title: title, description: "", type: type, tags: tags)
    }

    @Test func isDeterministicAndUnitLength() {
        let a = embed("Weekly revenue by region", tags: ["sales"])
        #expect(a == embed("Weekly revenue by region", tags: ["sales"]))
        #expect(abs(cosine(a, a) - 1) < 1e-5)
    }

    @Test func similarWidgetsLandNearEachOther() {
        let weekly = embed("Weekly revenue by region", tags: ["sales", "revenue"])
        let monthly = embed("Monthly revenue by region", tags: ["sales", "revenue"])
        let tickets = embed("Support ticket backlog", "table", tags: ["support"])
        #expect(cosine(weekly, monthly) > 0.6)
        #expect(cosine(weekly, monthly) > cosine(weekly, tickets) + 0.3)
    }

    @Test func neverAllZeros() {
        let vector = embedder.embedding(title: "—", description: "", type: "", tags: [])
        #expect(vector.contains { $0 != 0 })
    }
}
