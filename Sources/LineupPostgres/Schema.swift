import Foundation
import Logging
import PostgresNIO

/// The database schema, as an append-only list of migrations.
///
/// A migration that has shipped is never edited: databases in the field have already run
/// it. Change the schema by appending one. Migrations run in one transaction that first
/// takes an advisory lock, so replicas that start together wait for the first one and then
/// find nothing left to do; DDL is transactional in PostgreSQL, so a migration that fails
/// leaves no half-built table behind.
enum Schema {
    struct Migration {
        let name: String
        let sql: String

        /// The statements one by one: the extended protocol postgres-nio speaks takes one
        /// statement per query. Migrations end each statement with `;` at the end of a line;
        /// inside a `$$`-quoted body such a line ends a statement of the body, not the migration's.
        var statements: [String] {
            var statements: [String] = []
            var current = ""
            for piece in sql.components(separatedBy: ";\n") {
                current += current.isEmpty ? piece : ";\n" + piece
                if current.components(separatedBy: "$$").count % 2 == 1 {
                    statements.append(current)
                    current = ""
                }
            }
            statements.append(current)
            return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }
                .filter { statement in
                    statement.split(separator: "\n").contains { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
                }
        }
    }

    /// The advisory lock key migrations hold: "lineup" in ASCII, and 1.
    static let migrationLock: Int64 = 0x6C69_6E65_7570_0001

    static let migrations: [Migration] = [
        Migration(
            name: "v1: items, users, events, impressions, layouts, experiments",
            sql: """
                CREATE TABLE items (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    title TEXT COLLATE "C" NOT NULL,
                    description TEXT COLLATE "C" NOT NULL,
                    type TEXT COLLATE "C" NOT NULL,
                    tags TEXT COLLATE "C" NOT NULL,              -- JSON array of strings
                    embedding BYTEA,                 -- little-endian Float32s, NULL when derived from text
                    attributes TEXT COLLATE "C" NOT NULL,        -- JSON object
                    active BOOLEAN NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,   -- seconds since 1970
                    updated_at DOUBLE PRECISION NOT NULL
                );
                CREATE TABLE users (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    role TEXT COLLATE "C",
                    team TEXT COLLATE "C",
                    timezone TEXT COLLATE "C" NOT NULL,
                    attributes TEXT COLLATE "C" NOT NULL,
                    personalization BOOLEAN NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL
                );
                CREATE INDEX users_by_role ON users (role);

                -- Text compares byte by byte (COLLATE "C") whatever the database's locale:
                -- ids page and sort as in the SQLite store, and comparisons cost less.

                -- seq is the log's order for readers that tail it. It is given from
                -- event_log.last_seq under that row's lock, not from a sequence object: a
                -- sequence hands numbers out at insert and transactions commit in another
                -- order, so a reader past seq 10 could miss a 9 that commits later.
                CREATE TABLE events (
                    seq BIGINT PRIMARY KEY,
                    event_id TEXT COLLATE "C" NOT NULL UNIQUE,
                    user_id TEXT COLLATE "C" NOT NULL,
                    session_id TEXT COLLATE "C",
                    item_id TEXT COLLATE "C" NOT NULL,
                    type TEXT COLLATE "C" NOT NULL,
                    value DOUBLE PRECISION,
                    ts DOUBLE PRECISION NOT NULL,
                    request_id TEXT COLLATE "C",
                    context TEXT COLLATE "C",                    -- JSON object of strings, NULL when empty
                    received_at DOUBLE PRECISION NOT NULL
                );
                -- Attribution of outcomes to the rank response that caused them. As in the
                -- SQLite store there is no index by user: export and erasure scan.
                CREATE INDEX events_by_request ON events (request_id) WHERE request_id IS NOT NULL;
                -- The log's counters, changed in the transactions that change the log: the
                -- highest sequence ever given and the number of rows.
                CREATE TABLE event_log (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_seq BIGINT NOT NULL,
                    rows BIGINT NOT NULL
                );
                INSERT INTO event_log (id, last_seq, rows) VALUES (1, 0, 0);

                CREATE TABLE impressions (
                    request_id TEXT COLLATE "C" PRIMARY KEY,
                    ts DOUBLE PRECISION NOT NULL,
                    user_id TEXT COLLATE "C" NOT NULL,
                    surface TEXT COLLATE "C" NOT NULL,
                    context TEXT COLLATE "C",
                    experiment TEXT COLLATE "C",
                    variant TEXT COLLATE "C",
                    ranker TEXT COLLATE "C" NOT NULL,
                    model_version TEXT COLLATE "C",
                    layout_arm TEXT COLLATE "C",
                    layout_propensity DOUBLE PRECISION,
                    layout_segment TEXT COLLATE "C",
                    layout_reward INTEGER,           -- NULL until settled
                    schema_version INTEGER NOT NULL
                );
                CREATE INDEX impressions_by_time ON impressions (ts);
                CREATE INDEX impressions_by_user ON impressions (user_id);
                CREATE INDEX impressions_layout_open ON impressions (ts)
                    WHERE layout_arm IS NOT NULL AND layout_reward IS NULL;
                CREATE INDEX impressions_by_experiment ON impressions (experiment, variant) WHERE experiment IS NOT NULL;
                CREATE TABLE impression_items (
                    request_id TEXT COLLATE "C" NOT NULL,
                    position INTEGER NOT NULL,
                    item_id TEXT COLLATE "C" NOT NULL,
                    score REAL NOT NULL,
                    retrieval_score REAL NOT NULL,
                    pinned BOOLEAN NOT NULL,
                    features BYTEA,                  -- little-endian Float32s in schema order, NaN missing
                    PRIMARY KEY (request_id, position)
                );

                CREATE TABLE layout_arms (
                    surface TEXT COLLATE "C" NOT NULL,
                    id TEXT COLLATE "C" NOT NULL,
                    ordinal INTEGER NOT NULL,
                    name TEXT COLLATE "C" NOT NULL,
                    params TEXT COLLATE "C" NOT NULL,
                    retired BOOLEAN NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (surface, id)
                );
                CREATE TABLE surfaces (
                    surface TEXT COLLATE "C" PRIMARY KEY,
                    frozen BOOLEAN NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL
                );
                CREATE TABLE bandit_evidence (
                    surface TEXT COLLATE "C" NOT NULL,
                    segment TEXT COLLATE "C" NOT NULL,
                    arm TEXT COLLATE "C" NOT NULL,
                    successes DOUBLE PRECISION NOT NULL,
                    failures DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (surface, segment, arm)
                );

                CREATE TABLE experiments (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    definition TEXT COLLATE "C" NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL
                );
                CREATE TABLE experiment_exposures (
                    experiment TEXT COLLATE "C" NOT NULL,
                    user_id TEXT COLLATE "C" NOT NULL,
                    variant TEXT COLLATE "C" NOT NULL,
                    first_seen DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (experiment, user_id)
                );
                CREATE INDEX exposures_by_user ON experiment_exposures (user_id);
                """),
        Migration(
            name: "v2: change feed, models",
            sql: """
                -- What replicas follow besides the events: one row per committed change of
                -- the catalog, profiles, layouts, evidence, experiments or models, numbered
                -- from change_log under its row lock (commit order, as for events).
                CREATE TABLE changes (
                    seq BIGINT PRIMARY KEY,
                    kind TEXT COLLATE "C" NOT NULL,
                    key TEXT COLLATE "C" NOT NULL,
                    at DOUBLE PRECISION NOT NULL
                );
                CREATE TABLE change_log (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_seq BIGINT NOT NULL
                );
                INSERT INTO change_log (id, last_seq) VALUES (1, 0);

                -- Models live here, so replicas need no shared disk: XGBoost JSON and the
                -- card, as the files of a models directory hold them.
                CREATE TABLE models (
                    version TEXT COLLATE "C" PRIMARY KEY,
                    model BYTEA NOT NULL,
                    card BYTEA,
                    revision BIGINT NOT NULL,        -- bumped when the card is rewritten
                    created_at DOUBLE PRECISION NOT NULL
                );
                -- The version every replica serves; NULL for the fallback order. seeded is
                -- set once the models directory was copied in (a new database only).
                CREATE TABLE model_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    active TEXT COLLATE "C",
                    seeded BOOLEAN NOT NULL
                );
                INSERT INTO model_state (id, active, seeded) VALUES (1, NULL, FALSE);
                """),
        Migration(
            name: "v3: append_events",
            sql: """
                -- Appends a batch of events to the log and commits it, in one round trip:
                -- the log's row lock, the ids not stored yet (the first of a repeated id
                -- kept) numbered on from last_seq in batch order, the counters, the
                -- notification, COMMIT. Writers queue on that lock, so the time each holds
                -- it bounds the log's rate; as a procedure that commits itself, no round
                -- trip to the client happens while it is held, and the call returns only
                -- once the batch is durable. Called outside any transaction block.
                CREATE PROCEDURE append_events(
                    event_ids TEXT[], user_ids TEXT[], session_ids TEXT[], has_session BOOLEAN[],
                    item_ids TEXT[], types TEXT[], vals DOUBLE PRECISION[], has_value BOOLEAN[],
                    times DOUBLE PRECISION[], request_ids TEXT[], has_request BOOLEAN[], contexts TEXT[],
                    received DOUBLE PRECISION[],
                    INOUT stored_ids TEXT[] DEFAULT NULL, INOUT stored_seqs BIGINT[] DEFAULT NULL)
                LANGUAGE plpgsql
                AS $$
                DECLARE
                    base BIGINT;
                    added BIGINT;
                BEGIN
                    SELECT last_seq INTO base FROM event_log WHERE id = 1 FOR UPDATE;
                    -- A statement after the lock sees every batch committed before it.
                    WITH input AS (
                        SELECT * FROM unnest(event_ids, user_ids, session_ids, has_session, item_ids, types, vals,
                                has_value, times, request_ids, has_request, contexts, received)
                            WITH ORDINALITY AS t(event_id, user_id, session_id, has_session, item_id, type, value,
                                has_value, ts, request_id, has_request, context, received_at, n)
                    ), fresh AS (
                        -- OFFSET 0 keeps the probe a subplan: one unique-index lookup per
                        -- row, whatever the planner makes of a young table without
                        -- statistics (a hash join would read the whole log every batch).
                        SELECT DISTINCT ON (input.event_id) * FROM input
                        WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = input.event_id OFFSET 0)
                        ORDER BY input.event_id, input.n
                    ), stored AS (
                        INSERT INTO events (seq, event_id, user_id, session_id, item_id, type, value, ts, request_id,
                            context, received_at)
                        SELECT base + row_number() OVER (ORDER BY fresh.n), fresh.event_id, fresh.user_id,
                            CASE WHEN fresh.has_session THEN fresh.session_id END, fresh.item_id, fresh.type,
                            CASE WHEN fresh.has_value THEN fresh.value END, fresh.ts,
                            CASE WHEN fresh.has_request THEN fresh.request_id END, NULLIF(fresh.context, ''),
                            fresh.received_at
                        FROM fresh ORDER BY fresh.n
                        RETURNING events.event_id, events.seq
                    )
                    SELECT coalesce(array_agg(stored.event_id ORDER BY stored.seq), '{}'),
                        coalesce(array_agg(stored.seq ORDER BY stored.seq), '{}')
                    INTO stored_ids, stored_seqs FROM stored;
                    added := cardinality(stored_ids);
                    IF added > 0 THEN
                        UPDATE event_log SET last_seq = last_seq + added, rows = rows + added WHERE id = 1;
                        PERFORM pg_notify('\(PostgresStore.channel)', '');
                    END IF;
                    COMMIT;
                END
                $$;
                """),
    ]

    /// Runs the migrations not yet applied, each once, under the migration lock.
    static func migrate(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS lineup_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
            let applied = try await appliedNames(on: connection, logger: logger)
            for migration in migrations where !applied.contains(migration.name) {
                logger.info("migrating", metadata: ["migration": "\(migration.name)"])
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO lineup_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The names of the migrations this database has not run.
    static func pending(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let applied = try await appliedNames(on: connection, logger: logger)
        return migrations.map(\.name).filter { !applied.contains($0) }
    }

    private static func appliedNames(on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var names = Set<String>()
        for try await name in try await connection.query("SELECT name FROM lineup_migrations", logger: logger).decode(String.self) {
            names.insert(name)
        }
        return names
    }
}
