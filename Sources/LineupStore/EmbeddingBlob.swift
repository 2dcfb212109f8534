import Foundation

/// Embeddings and feature vectors are stored as raw little-endian Float32s, 4 bytes a value,
/// no parsing, in every backend.
public enum EmbeddingBlob {
    public static func data(from floats: [Float]) -> Data {
        #if _endian(little)
        // The floats' own bytes are the format: one copy.
        return floats.withUnsafeBytes { Data($0) }
        #else
        var data = Data(capacity: floats.count * 4)
        for value in floats {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
        #endif
    }

    public static func floats(from data: Data) -> [Float] {
        let count = data.count / 4
        var floats = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            for index in 0..<count {
                let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                floats[index] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        return floats
    }
}
