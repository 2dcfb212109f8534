import Foundation

/// The pages (demo dashboard, operator console), their scripts and styles, and lineup.js:
/// built into the binary (`EmbeddedAssets`, made by the `EmbedAssets` plugin from
/// `Assets/`), or read from a directory when one is configured, for working on the pages
/// without rebuilding.
public struct WebAssets: Sendable {
    /// Read each request from here instead of the built-in copies; nil serves the built-in ones.
    public let directory: String?
    private let builtIn: [String: WebAsset]

    public init(directory: String? = nil) {
        self.directory = directory
        builtIn = Dictionary(uniqueKeysWithValues: EmbeddedAssets.files.compactMap { name, base64 in
            Data(base64Encoded: base64).map { (name, WebAsset(name: name, body: Array($0))) }
        })
    }

    /// Every built-in asset's name, sorted.
    public var names: [String] { builtIn.keys.sorted() }

    /// The asset at `name` (`sdk/lineup.js`), or nil when there is none. Names that climb out
    /// of the directory are refused.
    public func asset(named name: String) -> WebAsset? {
        guard !name.isEmpty, !name.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            return nil
        }
        guard let directory else { return builtIn[name] }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        return FileManager.default.contents(atPath: path).map { WebAsset(name: name, body: Array($0)) }
    }
}
