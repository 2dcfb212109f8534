import Foundation
import PackagePlugin

/// Builds the files below a target's `Assets` directory into it (see `AssetEmbedder`), so a
/// change to a page or to lineup.js rebuilds the target and nothing else.
@main
struct EmbedAssets: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let assets = target.directoryURL.appending(path: "Assets")
        let files = try Self.files(below: assets)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedAssets.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) web assets into \(target.name)",
                executable: try context.tool(named: "AssetEmbedder").url,
                arguments: [assets.path, output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }

    static func files(below directory: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(
            at: directory, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        return try enumerator.compactMap { $0 as? URL }.filter { url in
            try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true
        }.sorted { $0.path < $1.path }
    }
}
