import Foundation
import LineupAnalysis
import LineupBandit
import LineupCore
import LineupEngine
import LineupPostgres
import LineupRetrieval
import LineupSQLite
import LineupServer
import Logging

/// Everything `lineup serve` can be told, gathered from (lowest to highest precedence)
/// built-in defaults, a JSON config file, `LINEUP_*` environment variables and command-line
/// flags. Each layer overrides only the keys it sets.
///
/// The layering is written by hand rather than with swift-configuration: that library cannot
/// list the keys a JSON file holds, so a misspelled key would be ignored instead of refused
/// (docs/DESIGN.md says more). The executable is the one place that reads settings and turns
/// them into each part's `Configuration`.
struct Settings: Sendable, Equatable {
    var host = "127.0.0.1"
    var port = 8080
    /// The SQLite file; its directory is created when missing.
    var database = "data/lineup.sqlite"
    /// `postgres://user:password@host:port/database`: serve from PostgreSQL instead of the
    /// SQLite file, so several replicas can share one database. Never logged.
    var databaseURL: String?
    /// Most connections this process opens to PostgreSQL.
    var databaseConnections = 16
    var embeddingDimension = 64
    var clientTokens: [String] = []
    var adminTokens: [String] = []
    var logLevel: Logger.Level = .info
    var maxBodyBytes = 64 << 20
    var maxClockSkewSeconds = 300.0
    /// `full` (default): a commit is on disk when acknowledged. `normal`: faster, may lose
    /// the last commits on power loss (never on a crash of the process).
    var synchronous: SQLiteStore.Configuration.Synchronous = .full
    /// Engagements remembered per user for their query vector.
    var userHistoryLength = 50
    /// Age, in hours, at which an engagement counts half in a user's vector.
    var userHalfLifeHours = 168.0
    /// How much each kind of event counts in a user's vector (a pin more than a view); the
    /// file or environment changes only the kinds it names.
    var eventWeights = UserVectors.Configuration().weights
    /// Longest, in milliseconds, a search that met contention waits for others to share its
    /// sgemm; 0 turns micro-batching off.
    var retrievalBatchWindowMs = 1.0
    /// Where model files and their cards live.
    var modelsDirectory = "models"
    /// The model version served at start, when it is in the directory and can serve;
    /// empty serves the fallback order.
    var activeModel = "default"
    /// How often served responses are written to the impression log, in milliseconds: the
    /// most a crash can lose (a graceful shutdown writes everything).
    var impressionFlushIntervalMs = 1_000
    /// Minutes after a response during which an event carrying its request id labels it.
    var labelWindowMinutes = 30.0
    /// Graded relevance per event type for evaluation labels; the file or environment
    /// changes only the types it names.
    var labelGrades = LabelPolicy.defaultGrades
    /// A dwell labels a widget only when it lasted at least this many seconds.
    var labelMinDwellSeconds = 30.0
    /// Minutes between scheduled retrainings from the impression log; 0 turns the schedule
    /// off. A new model is activated only if it beats the serving one on the same
    /// validation responses.
    var retrainIntervalMinutes = 0.0
    /// Days of the log, up to now, each scheduled retraining learns from.
    var retrainWindowDays = 28.0
    /// Scheduled retraining corrects for position bias (unbiased LambdaMART), as training
    /// from the log does by default.
    var retrainUnbiased = true
    /// Request context keys whose values make a layout bandit segment (`role` falls back
    /// to the user's profile).
    var layoutSegmentKeys = ["device", "role"]
    /// Events that reward the layout of the response whose request id they carry.
    var layoutRewardEvents: [EventType] = [.open, .click, .drilldown, .export, .pin]
    /// Minutes after a response during which an event rewards its layout; then it counts 0.
    var layoutRewardWindowMinutes = 30.0
    /// Beta prior of every arm: "alpha,beta".
    var layoutPrior = Prior()
    /// Hours after which a layout reward counts half, for drifting preferences; 0 keeps
    /// all evidence at full weight.
    var layoutHalfLifeHours = 0.0
    /// Settled decisions a segment needs before it decides with its own posteriors.
    var layoutMinSegmentEvidence = 200.0
    /// Origins whose pages may call the API from a browser, or `*`.
    var corsOrigins: [String] = []
    /// Serve the demo dashboard at `/demo` (`serve --demo` turns it on too).
    var demoUI = false
    /// Serve the pages and lineup.js from this directory (`Sources/LineupWeb/Assets`)
    /// instead of the copies built into the binary: for working on them without rebuilding.
    var webAssetsDirectory: String?

    init() {}

    /// The keys of the config file, with the environment variable that overrides each.
    static let keys: [(file: String, environment: String)] = [
        ("host", "LINEUP_HOST"),
        ("port", "LINEUP_PORT"),
        ("database", "LINEUP_DATABASE"),
        ("database_url", "LINEUP_DATABASE_URL"),
        ("database_connections", "LINEUP_DATABASE_CONNECTIONS"),
        ("embedding_dimension", "LINEUP_EMBEDDING_DIMENSION"),
        ("client_tokens", "LINEUP_CLIENT_TOKENS"),
        ("admin_tokens", "LINEUP_ADMIN_TOKENS"),
        ("log_level", "LINEUP_LOG_LEVEL"),
        ("max_body_bytes", "LINEUP_MAX_BODY_BYTES"),
        ("max_clock_skew_seconds", "LINEUP_MAX_CLOCK_SKEW_SECONDS"),
        ("synchronous", "LINEUP_SYNCHRONOUS"),
        ("user_history_length", "LINEUP_USER_HISTORY_LENGTH"),
        ("user_half_life_hours", "LINEUP_USER_HALF_LIFE_HOURS"),
        ("event_weights", "LINEUP_EVENT_WEIGHTS"),
        ("retrieval_batch_window_ms", "LINEUP_RETRIEVAL_BATCH_WINDOW_MS"),
        ("models_directory", "LINEUP_MODELS_DIRECTORY"),
        ("active_model", "LINEUP_ACTIVE_MODEL"),
        ("impression_flush_interval_ms", "LINEUP_IMPRESSION_FLUSH_INTERVAL_MS"),
        ("label_window_minutes", "LINEUP_LABEL_WINDOW_MINUTES"),
        ("label_grades", "LINEUP_LABEL_GRADES"),
        ("label_min_dwell_seconds", "LINEUP_LABEL_MIN_DWELL_SECONDS"),
        ("retrain_interval_minutes", "LINEUP_RETRAIN_INTERVAL_MINUTES"),
        ("retrain_window_days", "LINEUP_RETRAIN_WINDOW_DAYS"),
        ("retrain_unbiased", "LINEUP_RETRAIN_UNBIASED"),
        ("layout_segment_keys", "LINEUP_LAYOUT_SEGMENT_KEYS"),
        ("layout_reward_events", "LINEUP_LAYOUT_REWARD_EVENTS"),
        ("layout_reward_window_minutes", "LINEUP_LAYOUT_REWARD_WINDOW_MINUTES"),
        ("layout_prior", "LINEUP_LAYOUT_PRIOR"),
        ("layout_half_life_hours", "LINEUP_LAYOUT_HALF_LIFE_HOURS"),
        ("layout_min_segment_evidence", "LINEUP_LAYOUT_MIN_SEGMENT_EVIDENCE"),
        ("cors_origins", "LINEUP_CORS_ORIGINS"),
        ("demo_ui", "LINEUP_DEMO_UI"),
        ("web_assets_directory", "LINEUP_WEB_ASSETS_DIRECTORY"),
    ]

    /// Reads the config file (when given) and then the environment over the defaults.
    static func load(file: String?, environment: [String: String]) throws -> Settings {
        var settings = Settings()
        if let file {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw SettingsError(source: file, key: nil, reason: "cannot be read: \(error.localizedDescription)")
            }
            guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                throw SettingsError(source: file, key: nil, reason: "is not a JSON object")
            }
            for key in object.keys.sorted() {
                guard let value = object[key] else { continue }
                guard keys.contains(where: { $0.file == key }) else {
                    let known = keys.map(\.file).joined(separator: ", ")
                    throw SettingsError(source: file, key: key, reason: "is not a setting; known keys: \(known)")
                }
                try settings.apply(key: key, value: value, source: file)
            }
        }
        for (key, variable) in keys {
            if let text = environment[variable] {
                try settings.apply(key: key, value: .string(text), source: "environment variable \(variable)")
            }
        }
        return settings
    }

    /// Sets one key from a JSON value or its text form (environment, flags).
    mutating func apply(key: String, value: JSONValue, source: String) throws {
        func fail(_ reason: String) -> SettingsError { SettingsError(source: source, key: key, reason: reason) }
        func string() throws -> String {
            switch value {
            case .string(let text): return text
            case .number(let number): return number == number.rounded() ? String(Int(number)) : String(number)
            case .bool(let flag): return String(flag)
            default: throw fail("must be a string or number")
            }
        }
        func integer(_ range: ClosedRange<Int>) throws -> Int {
            guard let number = Int(try string()), range.contains(number) else {
                throw fail("must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        func flag() throws -> Bool {
            switch try string().lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: throw fail("must be true or false")
            }
        }
        func list() throws -> [String] {
            if case .array(let values) = value {
                return try values.map { element in
                    guard case .string(let text) = element, !text.isEmpty else { throw fail("must hold non-empty strings") }
                    return text
                }
            }
            return try string().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        /// An object in the file; `pin=3,view=0.25` in the environment; keys are event types.
        func perEventType() throws -> [(EventType, String)] {
            var pairs: [(String, String)] = []
            if case .object(let object) = value {
                for (name, entry) in object.sorted(by: { $0.key < $1.key }) {
                    guard case .number(let number) = entry else { throw fail("\(name) must be a number") }
                    pairs.append((name, String(number)))
                }
            } else {
                for pair in try string().split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2 else { throw fail("must be an object, or pairs like pin=3,view=0.25") }
                    pairs.append((parts[0], parts[1]))
                }
            }
            return try pairs.map { name, text in
                guard let type = EventType(rawValue: name) else {
                    let known = EventType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail("\(name) is not an event type; known: \(known)")
                }
                return (type, text)
            }
        }
        switch key {
        case "host":
            host = try string()
            if host.isEmpty { throw fail("must not be empty") }
        case "port": port = try integer(0...65535)
        case "database":
            database = try string()
            if database.isEmpty { throw fail("must not be empty") }
        case "database_url":
            let url = try string()
            do {
                let configuration = try PostgresStore.Configuration(url: url)
                // A password in a flag shows in `ps` to every user of the machine.
                if source == "command line" && configuration.password != nil {
                    throw fail(
                        "must not carry a password on the command line; set LINEUP_DATABASE_URL or the config file, or PGPASSWORD")
                }
            } catch let error as PostgresStoreError {
                throw fail(error.description.replacingOccurrences(of: "database_url ", with: ""))
            }
            databaseURL = url
        case "database_connections": databaseConnections = try integer(1...1_000)
        case "embedding_dimension": embeddingDimension = try integer(1...4096)
        case "client_tokens": clientTokens = try list()
        case "admin_tokens": adminTokens = try list()
        case "log_level":
            guard let level = Logger.Level(rawValue: try string().lowercased()) else {
                throw fail("must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = level
        case "max_body_bytes": maxBodyBytes = try integer(1024...(1 << 30))
        case "max_clock_skew_seconds":
            guard let seconds = Double(try string()), seconds >= 0, seconds.isFinite else {
                throw fail("must be a non-negative number of seconds")
            }
            maxClockSkewSeconds = seconds
        case "synchronous":
            guard let mode = SQLiteStore.Configuration.Synchronous(rawValue: try string().uppercased()) else {
                throw fail("must be full or normal")
            }
            synchronous = mode
        case "user_history_length": userHistoryLength = try integer(1...10_000)
        case "user_half_life_hours":
            guard let hours = Double(try string()), hours > 0, hours.isFinite else {
                throw fail("must be a positive number of hours")
            }
            userHalfLifeHours = hours
        case "event_weights":
            for (type, text) in try perEventType() {
                guard let weight = Float(text), weight.isFinite, weight >= 0 else {
                    throw fail("\(type.rawValue) must be a non-negative number")
                }
                eventWeights[type] = weight
            }
        case "label_grades":
            for (type, text) in try perEventType() {
                guard let grade = Double(text).flatMap({ Int(exactly: $0) }), (0...10).contains(grade) else {
                    throw fail("\(type.rawValue) must be a whole grade in 0...10")
                }
                labelGrades[type] = grade
            }
        case "impression_flush_interval_ms": impressionFlushIntervalMs = try integer(10...60_000)
        case "label_window_minutes":
            guard let minutes = Double(try string()), minutes > 0, minutes <= 10_080 else {
                throw fail("must be a number of minutes in (0, 10080]")
            }
            labelWindowMinutes = minutes
        case "label_min_dwell_seconds":
            guard let seconds = Double(try string()), seconds >= 0, seconds.isFinite else {
                throw fail("must be a non-negative number of seconds")
            }
            labelMinDwellSeconds = seconds
        case "retrieval_batch_window_ms":
            guard let milliseconds = Double(try string()), milliseconds >= 0, milliseconds <= 100 else {
                throw fail("must be a number of milliseconds in 0...100 (0 turns micro-batching off)")
            }
            retrievalBatchWindowMs = milliseconds
        case "models_directory":
            modelsDirectory = try string()
            if modelsDirectory.isEmpty { throw fail("must not be empty") }
        case "active_model": activeModel = try string()
        case "retrain_interval_minutes":
            guard let minutes = Double(try string()), minutes >= 0, minutes <= 525_600 else {
                throw fail("must be a number of minutes in 0...525600 (0 turns scheduled retraining off)")
            }
            retrainIntervalMinutes = minutes
        case "layout_segment_keys":
            let keys = try list()
            for key in keys where !key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                throw fail("\(key) is not a context key (letters, digits, _ and -)")
            }
            guard Set(keys).count == keys.count else { throw fail("lists a key twice") }
            layoutSegmentKeys = keys
        case "layout_reward_events":
            let names = try list()
            guard !names.isEmpty else { throw fail("must name at least one event type") }
            layoutRewardEvents = try names.map { name in
                guard let type = EventType(rawValue: name) else {
                    throw fail("\(name) is not an event type; known: \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return type
            }
        case "layout_reward_window_minutes":
            guard let minutes = Double(try string()), minutes > 0, minutes <= 10_080 else {
                throw fail("must be a number of minutes in (0, 10080]")
            }
            layoutRewardWindowMinutes = minutes
        case "layout_prior":
            let parts: [Double]
            if case .array(let values) = value {
                parts = values.compactMap { if case .number(let number) = $0 { number } else { nil } }
            } else {
                parts = try string().split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            }
            guard parts.count == 2, parts.allSatisfy({ $0 > 0 && $0 <= 1e6 }) else {
                throw fail("must be two positive numbers alpha,beta (e.g. 1,1)")
            }
            layoutPrior = Prior(alpha: parts[0], beta: parts[1])
        case "layout_half_life_hours":
            guard let hours = Double(try string()), hours >= 0, hours <= 87_600 else {
                throw fail("must be a number of hours in 0...87600 (0 keeps all evidence)")
            }
            layoutHalfLifeHours = hours
        case "layout_min_segment_evidence":
            guard let count = Double(try string()), count >= 0, count <= 1e9 else {
                throw fail("must be a non-negative number of settled decisions")
            }
            layoutMinSegmentEvidence = count
        case "retrain_window_days":
            guard let days = Double(try string()), days > 0, days <= 3_650 else {
                throw fail("must be a number of days in (0, 3650]")
            }
            retrainWindowDays = days
        case "cors_origins":
            let origins = try list()
            for origin in origins where origin != "*" {
                guard let url = URL(string: origin), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                    url.path.isEmpty, url.query == nil, url.fragment == nil, !origin.hasSuffix("/")
                else {
                    throw fail("\(origin) is not an origin; write scheme://host[:port], such as https://dash.example.com, or *")
                }
            }
            corsOrigins = origins
        case "demo_ui": demoUI = try flag()
        case "retrain_unbiased": retrainUnbiased = try flag()
        case "web_assets_directory":
            let directory = try string()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw fail("must be an existing directory (Sources/LineupWeb/Assets of a checkout)")
            }
            webAssetsDirectory = directory
        default:
            throw fail("is not a setting")
        }
    }

    var server: Server.Configuration {
        var configuration = Server.Configuration(
            host: host, port: port, clientTokens: clientTokens, adminTokens: adminTokens, maxBodyBytes: maxBodyBytes,
            retraining: retrainIntervalMinutes > 0
                ? .init(
                    interval: .seconds(retrainIntervalMinutes * 60), window: retrainWindowDays * 86_400,
                    unbiased: retrainUnbiased) : nil)
        configuration.corsOrigins = corsOrigins
        configuration.demoUI = demoUI
        configuration.webAssetsDirectory = webAssetsDirectory
        return configuration
    }

    var engine: Engine.Configuration {
        var userVectors = UserVectors.Configuration()
        userVectors.lastN = userHistoryLength
        userVectors.halfLife = userHalfLifeHours * 3_600
        userVectors.weights = eventWeights
        var batching = BatchingSearch.Configuration()
        batching.window = .microseconds(Int64((retrievalBatchWindowMs * 1_000).rounded()))
        var configuration = Engine.Configuration(
            embeddingDimension: embeddingDimension, maxClockSkew: maxClockSkewSeconds, userVectors: userVectors,
            batching: batching)
        configuration.impressionLog.flushInterval = .milliseconds(impressionFlushIntervalMs)
        configuration.layouts = layouts
        return configuration
    }

    var layouts: LayoutPolicy {
        var policy = LayoutPolicy()
        policy.segmentKeys = layoutSegmentKeys
        policy.rewardTypes = Set(layoutRewardEvents)
        policy.window = layoutRewardWindowMinutes * 60
        policy.prior = layoutPrior
        policy.halfLife = layoutHalfLifeHours > 0 ? layoutHalfLifeHours * 3_600 : nil
        policy.minimumSegmentEvidence = layoutMinSegmentEvidence
        return policy
    }

    var labels: LabelPolicy {
        LabelPolicy(
            grades: labelGrades, minimumDwellSeconds: labelMinDwellSeconds, window: labelWindowMinutes * 60,
            clockSkew: maxClockSkewSeconds)
    }

    var analysis: Analysis.Configuration {
        Analysis.Configuration(labels: labels, layouts: layouts, schema: OnlineFeatures.schema)
    }

    /// The model served at start; nil for the fallback order.
    var activeVersion: String? { activeModel.isEmpty ? nil : activeModel }

    /// The PostgreSQL store the settings name, if any; a URL without a password takes
    /// `PGPASSWORD` from the environment, as libpq does.
    func postgres(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresStore.Configuration? {
        guard let databaseURL else { return nil }
        var configuration = try PostgresStore.Configuration(url: databaseURL, maximumConnections: databaseConnections)
        if configuration.password == nil { configuration.password = environment["PGPASSWORD"] }
        return configuration
    }

    /// Where the service's data lives, without credentials: what logs and messages show.
    var storeDescription: String {
        (try? postgres())??.redacted ?? database
    }

    /// The SQLite store the settings name. `serve` checkpoints in its service group
    /// (`.background`); one-shot commands let SQLite do it.
    func store(checkpoints: SQLiteStore.Configuration.Checkpoints = .inline) -> SQLiteStore.Configuration {
        SQLiteStore.Configuration(path: database, synchronous: synchronous, checkpoints: checkpoints)
    }
}
