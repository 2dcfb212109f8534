import Foundation
import LineupStore
import Testing

@Suite struct EmbeddingBlobTests {
    /// Every backend stores vectors in this form: what goes in must come back bit for bit,
    /// NaN (a missing feature) and signed zeros included.
    @Test func floatsSurviveTheRoundTripBitForBit() {
        let floats: [Float] = [0, -0, 1.5, -3.25e-8, .greatestFiniteMagnitude, .infinity, .nan, Float(bitPattern: 0x7FC0_0001)]
        let data = EmbeddingBlob.data(from: floats)
        #expect(data.count == floats.count * 4)
        #expect(EmbeddingBlob.floats(from: data).map(\.bitPattern) == floats.map(\.bitPattern))
    }

    @Test func bytesAreLittleEndian() {
        #expect(Array(EmbeddingBlob.data(from: [1])) == [0x00, 0x00, 0x80, 0x3F])
    }
}
