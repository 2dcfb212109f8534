import Foundation
import LineupWeb
import Testing

/// The built-in copies are the files of Assets/, byte for byte, and every file a page links
/// to is among them.
@Suite struct WebAssetsTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/LineupWeb/Assets").path

    @Test func theBuiltInCopiesAreTheFiles() throws {
        let builtIn = WebAssets()
        let files = FileManager.default.subpaths(atPath: Self.directory)!.filter { path in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: Self.directory + "/" + path, isDirectory: &isDirectory)
            return !isDirectory.boolValue && !path.split(separator: "/").contains { $0.hasPrefix(".") }
        }.sorted()
        #expect(builtIn.names == files)
        for name in files {
            let onDisk = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + name))
            #expect(builtIn.asset(named: name)?.body == Array(onDisk), "\(name)")
        }
    }

    @Test func aDirectoryServesWhatItHolds() {
        let fromDisk = WebAssets(directory: Self.directory)
        #expect(fromDisk.asset(named: "sdk/lineup.js")?.body == WebAssets().asset(named: "sdk/lineup.js")?.body)
        #expect(fromDisk.asset(named: "sdk/nothing.js") == nil)
    }

    @Test(arguments: ["../Package.swift", "sdk/../../x", "/etc/passwd", "", "sdk//lineup.js", "./sdk/lineup.js"])
    func namesThatClimbOutAreRefused(_ name: String) {
        #expect(WebAssets(directory: Self.directory).asset(named: name) == nil)
        #expect(WebAssets().asset(named: name) == nil)
    }

    /// `src="/…"` and `href="/…"` in the pages, and `from '/…'` in the scripts.
    @Test func everyFileAPageLinksToExists() throws {
        let assets = WebAssets()
        let pattern = try NSRegularExpression(pattern: #"(?:src|href)="(/(?:ui|sdk|demo|console)/[^"?#]+)"|from\s+['"](/(?:ui|sdk|demo|console)/[^'"]+)['"]"#)
        for name in assets.names where name.hasSuffix(".html") || name.hasSuffix(".js") {
            let text = String(decoding: assets.asset(named: name)!.body, as: UTF8.self)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let range = match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range(at: 2)
                let link = String(text[Range(range, in: text)!].dropFirst())
                #expect(assets.asset(named: link) != nil, "\(name) links to /\(link)")
            }
        }
    }

    @Test func contentTypesFollowTheExtension() {
        #expect(WebAsset(name: "a.html", body: []).contentType == "text/html; charset=utf-8")
        #expect(WebAsset(name: "sdk/lineup.js", body: []).contentType == "text/javascript; charset=utf-8")
        #expect(WebAsset(name: "a.css", body: []).contentType == "text/css; charset=utf-8")
        #expect(WebAsset(name: "a", body: [1]).etag != WebAsset(name: "a", body: [2]).etag)
    }
}
