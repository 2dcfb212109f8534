/// A deterministic embedding from a widget's text, so a catalog works before any model
/// exists: "Weekly revenue by region" lands near "Monthly revenue by region".
///
/// Feature hashing: each word, each character trigram of each word, the type and each tag
/// is hashed (FNV-1a, the same on every machine and run, unlike Swift's seeded `Hasher`) to
/// one of `dimension` coordinates with a hashed sign, weighted by where it came from; the
/// sum is scaled to unit length. Shared words and word pieces make shared coordinates.
public struct ContentEmbedder: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var titleWeight: Float = 1.5
        public var descriptionWeight: Float = 0.5
        public var typeWeight: Float = 1.0
        public var tagWeight: Float = 1.25
        /// Weight of a word's character trigrams relative to the word itself; they make
        /// "revenue" and "revenues" close.
        public var trigramWeight: Float = 0.35

        public init() {}
    }

    public let dimension: Int
    public let configuration: Configuration

    public init(dimension: Int, configuration: Configuration = .init()) {
        precondition(dimension > 0, "an embedding needs at least one dimension")
        self.dimension = dimension
        self.configuration = configuration
    }

    /// The unit-length embedding of a widget's text. Never all zeros: the title is required
    /// to be non-empty, and a degenerate sum falls back to a hashed coordinate of the title.
    public func embedding(title: String, description: String, type: String, tags: [String]) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        addText(title, weight: configuration.titleWeight, to: &vector)
        addText(description, weight: configuration.descriptionWeight, to: &vector)
        add(feature: "type:" + type.lowercased(), weight: configuration.typeWeight, to: &vector)
        for tag in tags {
            add(feature: "tag:" + tag.lowercased(), weight: configuration.tagWeight, to: &vector)
        }
        var norm: Float = 0
        for value in vector { norm += value * value }
        if norm == 0 {
            vector[Int(Self.hash("title:" + title) % UInt64(dimension))] = 1
            return vector
        }
        let scale = 1 / norm.squareRoot()
        return vector.map { $0 * scale }
    }

    private func addText(_ text: String, weight: Float, to vector: inout [Float]) {
        for word in Self.words(text) {
            add(feature: "word:" + word, weight: weight, to: &vector)
            let padded = Array(("^" + word + "$").unicodeScalars)
            guard padded.count >= 3 else { continue }
            for start in 0...(padded.count - 3) {
                var trigram = "tri:"
                trigram.unicodeScalars.append(contentsOf: padded[start..<(start + 3)])
                add(feature: trigram, weight: weight * configuration.trigramWeight, to: &vector)
            }
        }
    }

    private func add(feature: String, weight: Float, to vector: inout [Float]) {
        let hash = Self.hash(feature)
        let index = Int(hash % UInt64(dimension))
        vector[index] += (hash >> 63) == 0 ? weight : -weight
    }

    /// Lowercased runs of letters and digits.
    static func words(_ text: String) -> [String] {
        text.lowercased()
            .split { !($0.isLetter || $0.isNumber) }
            .map(String.init)
    }

    /// 64-bit FNV-1a over UTF-8, then a final mix so the low bits (the coordinate) and the
    /// top bit (the sign) are independent.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return hash
    }
}
