/// One file of the web pages or the client SDK, ready to serve.
public struct WebAsset: Sendable {
    /// The path below the assets directory, such as `sdk/lineup.js`.
    public let name: String
    public let body: [UInt8]
    public let contentType: String
    /// A strong validator of the bytes (FNV-1a), quoted as HTTP wants it.
    public let etag: String

    public init(name: String, body: [UInt8]) {
        self.name = name
        self.body = body
        self.contentType = Self.contentType(of: name)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in body {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        self.etag = "\"\(String(hash, radix: 16))\""
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "ts": "application/typescript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json": "application/json"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }
}
