import Foundation
import LineupCore
import Testing
@testable import lineup

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

    @Test func retrievalSettingsReachTheEngine() throws {
        let path = try file(#"{"event_weights": {"pin": 5, "view": 0}, "retrieval_batch_window_ms": 2.5}"#)
        let fromFile = try Settings.load(file: path, environment: [:]).engine
        #expect(fromFile.userVectors.weights[.pin] == 5)
        #expect(fromFile.userVectors.weights[.view] == 0)
        #expect(fromFile.userVectors.weights[.click] == 1, "kinds not named keep their default")
        #expect(fromFile.batching.window == .microseconds(2_500))

        let fromEnvironment = try Settings.load(
            file: path, environment: ["LINEUP_EVENT_WEIGHTS": "click=2, filter_change=0.1", "LINEUP_RETRIEVAL_BATCH_WINDOW_MS": "0"]
        ).engine
        #expect(fromEnvironment.userVectors.weights[.click] == 2)
        #expect(fromEnvironment.userVectors.weights[.filterChange] == 0.1)
        #expect(fromEnvironment.userVectors.weights[.pin] == 5, "the environment changes only the kinds it names")
        #expect(fromEnvironment.batching.window == .zero)
        #expect(try Settings.load(file: nil, environment: [:]).engine.batching.window == .milliseconds(1))
    }

    @Test(arguments: [
        #"{"event_weights": {"like": 1}}"#, #"{"event_weights": {"pin": -1}}"#, #"{"event_weights": {"pin": "a lot"}}"#,
        #"{"event_weights": "pin"}"#, #"{"retrieval_batch_window_ms": -1}"#, #"{"retrieval_batch_window_ms": 500}"#,
    ])
    func badRetrievalSettingsAreNamed(_ text: String) throws {
        let path = try file(text)
        let key = text.contains("event_weights") ? "event_weights" : "retrieval_batch_window_ms"
        #expect { try Settings.load(file: path, environment: [:]) } throws: { error in
            (error as? SettingsError)?.key == key
        }
    }

    @Test func impressionLogAndLabelSettingsReachTheEngine() throws {
        let path = try file(#"{"impression_flush_interval_ms": 250, "label_grades": {"pin": 3, "click": 0}, "label_window_minutes": 10}"#)
        let settings = try Settings.load(file: path, environment: ["LINEUP_LABEL_MIN_DWELL_SECONDS": "12"])
        #expect(settings.engine.impressionLog.flushInterval == .milliseconds(250))
        let labels = settings.analysis.labels
        #expect(labels.grades[.pin] == 3 && labels.grades[.click] == 0)
        #expect(labels.grades[.open] == 1, "types not named keep their default")
        #expect(labels.window == 600 && labels.minimumDwellSeconds == 12)
        #expect(labels.clockSkew == 300, "events may precede a response by the allowed clock skew")
        let defaults = try Settings.load(file: nil, environment: ["LINEUP_LABEL_GRADES": "export=3"])
        #expect(defaults.engine.impressionLog.flushInterval == .seconds(1) && defaults.labels.window == 1_800)
        #expect(defaults.labels.grades[.export] == 3 && defaults.labels.grades[.pin] == 2)
    }

    @Test(arguments: [
        (#"{"impression_flush_interval_ms": 0}"#, "impression_flush_interval_ms"),
        (#"{"label_grades": {"pin": 1.5}}"#, "label_grades"), (#"{"label_grades": {"like": 1}}"#, "label_grades"),
        (#"{"label_grades": {"pin": 11}}"#, "label_grades"), (#"{"label_window_minutes": 0}"#, "label_window_minutes"),
        (#"{"label_min_dwell_seconds": -1}"#, "label_min_dwell_seconds"),
        (#"{"retrain_interval_minutes": -5}"#, "retrain_interval_minutes"), (#"{"retrain_window_days": 0}"#, "retrain_window_days"),
    ])
    func badLabelSettingsAreNamed(_ text: String, _ key: String) throws {
        let path = try file(text)
        #expect { try Settings.load(file: path, environment: [:]) } throws: { error in
            (error as? SettingsError)?.key == key
        }
    }

    @Test func webSettingsReachTheServer() throws {
        let path = try file(#"{"cors_origins": ["https://dash.example.com", "http://localhost:3000"], "demo_ui": true}"#)
        let settings = try Settings.load(file: path, environment: ["LINEUP_WEB_ASSETS_DIRECTORY": NSTemporaryDirectory()])
        #expect(settings.server.corsOrigins == ["https://dash.example.com", "http://localhost:3000"])
        #expect(settings.server.demoUI)
        #expect(settings.server.webAssetsDirectory == NSTemporaryDirectory())
        #expect(try Settings.load(file: nil, environment: ["LINEUP_CORS_ORIGINS": "*"]).server.corsOrigins == ["*"])
        let defaults = try Settings.load(file: nil, environment: [:]).server
        #expect(defaults.corsOrigins.isEmpty && !defaults.demoUI && defaults.webAssetsDirectory == nil)
    }

    @Test(arguments: [
        (#"{"cors_origins": ["dash.example.com"]}"#, "cors_origins"),
        (#"{"cors_origins": ["https://dash.example.com/"]}"#, "cors_origins"),
        (#"{"cors_origins": ["https://dash.example.com/app"]}"#, "cors_origins"),
        (#"{"cors_origins": ["ftp://dash.example.com"]}"#, "cors_origins"),
        (#"{"demo_ui": "maybe"}"#, "demo_ui"), (#"{"web_assets_directory": "/no/such/directory"}"#, "web_assets_directory"),
    ])
    func badWebSettingsAreNamed(_ text: String, _ key: String) throws {
        let path = try file(text)
        #expect { try Settings.load(file: path, environment: [:]) } throws: { error in
            (error as? SettingsError)?.key == key
        }
    }

    @Test func layoutSettingsReachTheEngine() throws {
        let path = try file(
            #"{"layout_segment_keys": ["device"], "layout_reward_events": ["open", "export"], "layout_prior": [2, 8], "layout_half_life_hours": 24}"#)
        let settings = try Settings.load(
            file: path, environment: ["LINEUP_LAYOUT_REWARD_WINDOW_MINUTES": "10", "LINEUP_LAYOUT_MIN_SEGMENT_EVIDENCE": "50"])
        #expect(settings.analysis.layouts == settings.engine.layouts, "the reports read evidence by the serving policy's rules")
        let engine = settings.engine.layouts
        #expect(engine.segmentKeys == ["device"])
        #expect(engine.rewardTypes == [.open, .export])
        #expect(engine.prior.alpha == 2 && engine.prior.beta == 8)
        #expect(engine.halfLife == 86_400 && engine.window == 600 && engine.minimumSegmentEvidence == 50)
        let defaults = try Settings.load(file: nil, environment: ["LINEUP_LAYOUT_PRIOR": "1, 3"]).engine.layouts
        #expect(defaults.segmentKeys == ["device", "role"] && defaults.halfLife == nil && defaults.window == 1_800)
        #expect(defaults.prior.alpha == 1 && defaults.prior.beta == 3)
        #expect(defaults.rewardTypes == [.open, .click, .drilldown, .export, .pin])
    }

    @Test(arguments: [
        (#"{"layout_segment_keys": ["device", "device"]}"#, "layout_segment_keys"),
        (#"{"layout_segment_keys": ["a b"]}"#, "layout_segment_keys"),
        (#"{"layout_reward_events": ["like"]}"#, "layout_reward_events"), (#"{"layout_reward_events": []}"#, "layout_reward_events"),
        (#"{"layout_reward_window_minutes": 0}"#, "layout_reward_window_minutes"), (#"{"layout_prior": [1]}"#, "layout_prior"),
        (#"{"layout_prior": [0, 1]}"#, "layout_prior"), (#"{"layout_half_life_hours": -1}"#, "layout_half_life_hours"),
        (#"{"layout_min_segment_evidence": "many"}"#, "layout_min_segment_evidence"),
    ])
    func badLayoutSettingsAreNamed(_ text: String, _ key: String) throws {
        let path = try file(text)
        #expect { try Settings.load(file: path, environment: [:]) } throws: { error in
            (error as? SettingsError)?.key == key
        }
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
