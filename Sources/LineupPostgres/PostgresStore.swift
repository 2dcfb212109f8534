import Foundation
import LineupCore
import LineupStore
import Logging
import PostgresNIO
import Synchronization

/// The store for running several replicas on one database: PostgreSQL through postgres-nio.
///
/// Every write is one transaction on a pooled connection and returns once committed, so an
/// acknowledged write is as durable as the server's `synchronous_commit` makes it. Rows
/// keep the SQLite store's shapes (times as seconds since 1970, JSON text, vectors as
/// little-endian Float32 bytes), so the two answer the conformance suite alike and a store
/// can be copied from one to the other column for column.
public final class PostgresStore: Store {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        /// Whether to encrypt: `disable`, `prefer` (encrypt when the server offers it) or `require`.
        public var tls: TLSMode
        /// Most connections this process opens. Each replica opens its own; the server's
        /// `max_connections` bounds their sum.
        public var maximumConnections: Int
        /// How long a request waits for a connection before the store counts as unavailable.
        public var connectTimeout: Duration

        public enum TLSMode: String, Sendable, CaseIterable {
            case disable, prefer, require
        }

        public init(
            host: String = "localhost", port: Int = 5432, username: String, password: String? = nil, database: String,
            tls: TLSMode = .prefer, maximumConnections: Int = 16, connectTimeout: Duration = .seconds(5)
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.tls = tls
            self.maximumConnections = maximumConnections
            self.connectTimeout = connectTimeout
        }

        /// Reads `postgres://user:password@host:port/database?sslmode=disable` (also
        /// `postgresql://`). Percent-escapes in the user and password are decoded.
        public init(url: String, maximumConnections: Int = 16) throws(PostgresStoreError) {
            guard let components = URLComponents(string: url),
                let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
            else { throw .invalidURL("must look like postgres://user:password@host:port/database") }
            guard let username = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !username.isEmpty else {
                throw .invalidURL("names no user (postgres://USER:password@host/database)")
            }
            let database = String(components.path.drop(while: { $0 == "/" }))
            guard !database.isEmpty else { throw .invalidURL("names no database (postgres://user@host/DATABASE)") }
            var tls = TLSMode.prefer
            for item in components.queryItems ?? [] {
                switch item.name {
                case "sslmode":
                    switch item.value {
                    case "disable": tls = .disable
                    case "allow", "prefer": tls = .prefer
                    case "require", "verify-ca", "verify-full": tls = .require
                    default: throw .invalidURL("sslmode must be disable, prefer or require")
                    }
                default: throw .invalidURL("unknown parameter \(item.name) (only sslmode is read)")
                }
            }
            self.init(
                host: components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost", port: components.port ?? 5432,
                username: username, password: components.percentEncodedPassword.flatMap { $0.removingPercentEncoding },
                database: database, tls: tls, maximumConnections: maximumConnections)
        }

        /// Where the store is, without the password: what logs and errors may show.
        public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)" }
    }

    public let configuration: Configuration
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    /// When a call last found the database unavailable; nil once one succeeded.
    private let lastFailure = Mutex<ContinuousClock.Instant?>(nil)
    /// When a call last succeeded: while calls keep succeeding, one waiting for a
    /// connection is queued behind busy ones, not facing a database that is away.
    private let lastSuccess = Mutex<ContinuousClock.Instant?>(nil)

    /// Connects and runs the pending migrations (under an advisory lock, so replicas that
    /// start together migrate once). Throws when the database cannot be reached.
    public init(configuration: Configuration, logger: Logger = Logger(label: "lineup.postgres")) async throws {
        self.configuration = configuration
        self.logger = logger
        let tls: PostgresClient.Configuration.TLS =
            switch configuration.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var client = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: tls)
        client.options.maximumConnections = configuration.maximumConnections
        client.options.connectTimeout = configuration.connectTimeout
        let postgres = PostgresClient(configuration: client, backgroundLogger: logger)
        self.client = postgres
        // The pool works while `run()` does; the store owns it so that every caller (the
        // server, a one-shot command, a test) gets a working store from `init` alone.
        running = Task { await postgres.run() }
        do {
            try await leased { connection in try await Schema.migrate(on: connection, logger: logger) }
        } catch let error as StoreUnavailable {
            running.cancel()
            throw error
        } catch {
            running.cancel()
            throw PostgresStoreError.migrationFailed(Self.describe(error))
        }
    }

    deinit {
        running.cancel()
    }

    /// Closes the pool's connections.
    public func close() {
        running.cancel()
    }

    public func readiness() async -> Readiness {
        do {
            // Through the same deadline as every call, so a database that stopped answering
            // shows as not ready instead of a probe that hangs.
            let pending = try await leased { connection in try await Schema.pending(on: connection, logger: self.logger) }
            return pending.isEmpty ? .ready : .notReady(reason: "migrations not yet run: \(pending.joined(separator: ", "))")
        } catch {
            return .notReady(
                reason: error is StoreUnavailable
                    ? Self.describe(error) : "database \(configuration.redacted) is not reachable: \(Self.describe(error))")
        }
    }

    public func statistics() async throws -> StoreStatistics {
        let rows = try await query("""
            SELECT (SELECT COUNT(*) FROM items), (SELECT COUNT(*) FROM users), (SELECT rows FROM event_log),
                pg_database_size(current_database())
            """)
        guard let row = rows.first else { return StoreStatistics(items: 0, users: 0, events: 0, bytes: 0) }
        let (items, users, events, bytes) = try row.decode((Int64, Int64, Int64, Int64).self)
        return StoreStatistics(items: Int(items), users: Int(users), events: Int(events), bytes: Int(bytes))
    }

    // MARK: - Running statements

    /// Runs one statement outside a transaction and collects its rows.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await leased { connection in try await connection.query(query, logger: self.logger).collect() }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    /// `begin` may ask for another isolation level (a read-only snapshot, say).
    func transaction<Result: Sendable>(
        begin: PostgresQuery = "BEGIN", _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await leased { connection in
            try await connection.query(begin, logger: self.logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: self.logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    /// Runs `body` with a pooled connection, streaming.
    func withConnection<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await leased(body)
    }

    /// Runs `body` on a pooled connection. Waiting for the connection is bounded by
    /// `connectTimeout` (the pool itself would wait for its circuit breaker, a minute), and
    /// the failures that mean "the database cannot be reached now" become `StoreUnavailable`,
    /// which the server answers with 503 and `Retry-After`. Once `body` has its connection
    /// it runs as long as it needs (a scan over the whole log, say), unless the connection
    /// closes under it.
    ///
    /// The wait counts as an outage only when no call of this store has succeeded for
    /// `connectTimeout` either: a pool whose connections are all busy (a burst of writes
    /// queued on the log's lock, say) makes calls wait longer, up to four times the timeout.
    ///
    /// A watchdog answers on time when the driver does not: the pool may keep waiting past
    /// the deadline, and a statement written to a connection the server has just closed (a
    /// restart) is never failed by postgres-nio 1.33. The call is then left behind: a
    /// connection that arrives late is handed back without running `body`, so an
    /// "unavailable" before the lease never hides a write. After a failure, calls fail at
    /// once for a second (`retryPause`) instead of each waiting out the deadline.
    func leased<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let redacted = configuration.redacted
        if let failed = lastFailure.withLock({ $0 }), ContinuousClock.now - failed < Self.retryPause {
            throw StoreUnavailable(reason: "database \(redacted) is unavailable (it failed moments ago)")
        }
        let timeout = configuration.connectTimeout
        let lease = LeaseRace()
        let client = client
        do {
            let result: Result = try await withCheckedThrowingContinuation { continuation in
                let answer = Answer(continuation)
                let work = Task {
                    do {
                        let result = try await client.withConnection { connection in
                            guard lease.take(connection) else { throw CancellationError() }
                            return try await body(connection)
                        }
                        answer.resume(with: .success(result))
                    } catch {
                        answer.resume(with: .failure(error))
                    }
                }
                Task {
                    let started = ContinuousClock.now
                    while !answer.isDone {
                        try? await Task.sleep(for: Self.watchdogTick)
                        let healthy = self.succeeded(within: timeout)
                        switch lease.check(waitedSince: started, timeout: healthy ? timeout * 4 : timeout) {
                        case .fine: continue
                        case .noConnection:
                            answer.resume(with: .failure(
                                StoreUnavailable(reason: "database \(redacted) gave no connection within \(timeout)")))
                        case .connectionClosed:
                            answer.resume(with: .failure(
                                StoreUnavailable(reason: "database \(redacted) closed the connection during the call")))
                        }
                        work.cancel()
                        return
                    }
                }
            }
            lastFailure.withLock { $0 = nil }
            lastSuccess.withLock { $0 = .now }
            return result
        } catch let error as StoreUnavailable {
            lastFailure.withLock { $0 = .now }
            throw error
        } catch let error as PSQLError where Self.isConnectionFailure(error) {
            lastFailure.withLock { $0 = .now }
            throw StoreUnavailable(reason: "database \(redacted) is unavailable: \(Self.describe(error))")
        } catch where Self.isPoolFailure(error) {
            lastFailure.withLock { $0 = .now }
            throw StoreUnavailable(reason: "database \(redacted) is unavailable: \(Self.describe(error))")
        }
    }

    /// Whether a call succeeded in the last `interval`.
    private func succeeded(within interval: Duration) -> Bool {
        lastSuccess.withLock { $0.map { ContinuousClock.now - $0 < interval } ?? false }
    }

    /// How often a call's watchdog looks at its lease.
    static let watchdogTick = Duration.milliseconds(50)

    /// How long calls fail at once after one found the database unavailable.
    static let retryPause = Duration.seconds(1)

    /// The pool's own errors (`ConnectionPoolError`: no connection could be made, the
    /// circuit breaker tripped). Its module is not a product of postgres-nio, so it is told
    /// by name.
    static func isPoolFailure(_ error: any Error) -> Bool {
        String(describing: type(of: error)) == "ConnectionPoolError"
    }

    static func isConnectionFailure(_ error: PSQLError) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed, .clientClosedConnection: return true
        case .server:
            // 57P01..57P03: the administrator shut the server down or it is starting up;
            // 08xxx: connection exceptions.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("57P") || state.hasPrefix("08")
        default: return false
        }
    }

    /// An error's description for logs and readiness: PSQLError hides its details from
    /// `description` on purpose; the SQL state and message are safe to show (no password
    /// is ever part of them).
    static func describe(_ error: any Error) -> String {
        if let error = error as? StoreUnavailable { return error.reason }
        if isPoolFailure(error) { return "no connection could be made (\(error))" }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
        }
        return "\(error.code)"
    }
}

/// A pooled call's lease as its watchdog sees it: waiting for a connection, running on
/// one, or abandoned. Between the connection and the deadline exactly one wins.
private final class LeaseRace: Sendable {
    private enum State {
        case waiting
        case leased(PostgresConnection)
        case expired
    }

    enum Check { case fine, noConnection, connectionClosed }

    private let state = Mutex(State.waiting)

    /// The connection arrived: true when it came in time (the call may run).
    func take(_ connection: PostgresConnection) -> Bool {
        state.withLock { state in
            guard case .waiting = state else { return false }
            state = .leased(connection)
            return true
        }
    }

    /// Whether the call must be answered as unavailable now; a call found so is abandoned.
    func check(waitedSince started: ContinuousClock.Instant, timeout: Duration) -> Check {
        state.withLock { state in
            switch state {
            case .waiting:
                guard ContinuousClock.now - started >= timeout else { return .fine }
                state = .expired
                return .noConnection
            case .leased(let connection):
                return connection.isClosed ? .connectionClosed : .fine
            case .expired:
                return .noConnection
            }
        }
    }
}

/// A continuation resumed once, by whichever of the call and its watchdog answers first.
private final class Answer<Value: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Value, any Error>?>(nil)

    init(_ continuation: CheckedContinuation<Value, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    var isDone: Bool { continuation.withLock { $0 == nil } }

    func resume(with result: Result<Value, any Error>) {
        continuation.withLock { continuation in
            continuation?.resume(with: result)
            continuation = nil
        }
    }
}
