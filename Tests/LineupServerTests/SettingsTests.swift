import Foundation
import LineupServer
import Testing

@Suite struct SettingsTests {
    func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lineup-\(UUID()).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func environmentOverridesTheFile() throws {
        let path = try file(#"{"port": 9000, "host": "0.0.0.0", "admin_tokens": ["a1", "a2"], "embedding_dimension": 32}"#)
        let settings = try Settings.load(file: path, environment: ["LINEUP_PORT": "9100", "LINEUP_CLIENT_TOKENS": "c1, c2"])
        let tuned = try Settings.load(file: nil, environment: ["LINEUP_USER_HISTORY_LENGTH": "20", "LINEUP_USER_HALF_LIFE_HOURS": "24"])
        #expect(tuned.engine.userVectors.lastN == 20)
        #expect(tuned.engine.userVectors.halfLife == 86_400)
        #expect(settings.port == 9100)
        #expect(settings.host == "0.0.0.0")
        #expect(settings.adminTokens == ["a1", "a2"])
        #expect(settings.clientTokens == ["c1", "c2"])
        #expect(settings.embeddingDimension == 32)
        #expect(settings.database == "data/lineup.sqlite")
        #expect(settings.engine.userVectors.lastN == 50)
        #expect(settings.engine.userVectors.halfLife == 7 * 86_400)
    }

    @Test func unknownKeysAndBadValuesAreNamed() throws {
        let typo = try file(#"{"prot": 9000}"#)
        #expect { try Settings.load(file: typo, environment: [:]) } throws: { error in
            (error as? SettingsError)?.key == "prot"
        }
        #expect { try Settings.load(file: nil, environment: ["LINEUP_PORT": "http"]) } throws: { error in
            (error as? SettingsError)?.key == "port"
        }
    }

    @Test func theDocumentedExampleLoads() throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/lineup.example.json")
        let settings = try Settings.load(file: example.path, environment: [:])
        #expect(settings.adminTokens == ["change-me-admin"])
        #expect(settings.userHistoryLength == 50)
    }
}
