import GRDB

/// The database schema, as an append-only list of migrations.
///
/// A migration that has shipped is never edited: databases in the field have already run
/// it. Change the schema by appending a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1: items, users, events") { db in
            try db.execute(sql: """
                CREATE TABLE items (
                    id TEXT PRIMARY KEY NOT NULL,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL,
                    type TEXT NOT NULL,
                    tags TEXT NOT NULL,          -- JSON array of strings
                    embedding BLOB,              -- little-endian Float32s, NULL when derived from text
                    attributes TEXT NOT NULL,    -- JSON object
                    active INTEGER NOT NULL,
                    created_at REAL NOT NULL,    -- seconds since 1970
                    updated_at REAL NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE users (
                    id TEXT PRIMARY KEY NOT NULL,
                    role TEXT,
                    team TEXT,
                    timezone TEXT NOT NULL,
                    attributes TEXT NOT NULL,
                    personalization INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX users_by_role ON users(role);

                -- seq keeps arrival order for readers that tail the log.
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL UNIQUE,
                    user_id TEXT NOT NULL,
                    session_id TEXT,
                    item_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    value REAL,
                    ts REAL NOT NULL,
                    request_id TEXT,
                    context TEXT,                -- JSON object of strings, NULL when empty
                    received_at REAL NOT NULL
                );
                -- No index by user: a batch from many users would touch one index page per
                -- event and cost ingestion four times its throughput. Export and erasure,
                -- rare admin operations, scan instead; the online state is rebuilt by one
                -- scan in seq order.
                -- attribution of outcomes to the rank response that caused them
                CREATE INDEX events_by_request ON events(request_id) WHERE request_id IS NOT NULL;
                """)
        }
        migrator.registerMigration("v2: impression log") { db in
            try db.execute(sql: """
                -- One row per rank response; request ids are UUIDv7, so inserts append.
                CREATE TABLE impressions (
                    request_id TEXT PRIMARY KEY NOT NULL,
                    ts REAL NOT NULL,            -- seconds since 1970, server clock
                    user_id TEXT NOT NULL,
                    surface TEXT NOT NULL,
                    context TEXT,                -- JSON object of strings, NULL when empty
                    experiment TEXT,
                    variant TEXT,
                    ranker TEXT NOT NULL,        -- two_stage | fallback | popularity
                    model_version TEXT,
                    layout_arm TEXT,
                    layout_propensity REAL,
                    schema_version INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX impressions_by_time ON impressions(ts);
                -- Erasure and export find a user's impressions without a scan; the log is
                -- written in batches off the request path, so the index costs no request.
                CREATE INDEX impressions_by_user ON impressions(user_id);

                -- One row per widget shown, in served order.
                CREATE TABLE impression_items (
                    request_id TEXT NOT NULL,
                    position INTEGER NOT NULL,   -- 1 for the first widget shown
                    item_id TEXT NOT NULL,
                    score REAL NOT NULL,         -- what the ranker ordered by
                    retrieval_score REAL NOT NULL,
                    pinned INTEGER NOT NULL,
                    features BLOB,               -- little-endian Float32s in schema order, NaN missing
                    PRIMARY KEY (request_id, position)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3: layout bandit") { db in
            try db.execute(sql: """
                -- A surface's layouts (the bandit's arms), in the order first configured.
                CREATE TABLE layout_arms (
                    surface TEXT NOT NULL,
                    id TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    params TEXT NOT NULL,        -- JSON object, returned as given
                    retired INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (surface, id)
                ) WITHOUT ROWID;
                CREATE TABLE surfaces (
                    surface TEXT PRIMARY KEY NOT NULL,
                    frozen INTEGER NOT NULL,
                    updated_at REAL NOT NULL
                ) WITHOUT ROWID;
                -- Decayed reward counts per arm and segment ('' for the whole surface).
                CREATE TABLE bandit_evidence (
                    surface TEXT NOT NULL,
                    segment TEXT NOT NULL,
                    arm TEXT NOT NULL,
                    successes REAL NOT NULL,
                    failures REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (surface, segment, arm)
                ) WITHOUT ROWID;
                -- A decision is an impression with a layout arm; its reward is NULL until settled.
                ALTER TABLE impressions ADD COLUMN layout_segment TEXT;
                ALTER TABLE impressions ADD COLUMN layout_reward INTEGER;
                -- Settling finds the decisions still open, oldest first, without a scan.
                CREATE INDEX impressions_layout_open ON impressions(ts)
                    WHERE layout_arm IS NOT NULL AND layout_reward IS NULL;
                """)
        }
        migrator.registerMigration("v4: experiments") { db in
            try db.execute(sql: """
                CREATE TABLE experiments (
                    id TEXT PRIMARY KEY NOT NULL,
                    definition TEXT NOT NULL,    -- JSON: salt, variants, control, targeting, start, stop
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                ) WITHOUT ROWID;
                -- A user's first request under an experiment, written with its impression.
                CREATE TABLE experiment_exposures (
                    experiment TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    variant TEXT NOT NULL,
                    first_seen REAL NOT NULL,
                    PRIMARY KEY (experiment, user_id)
                ) WITHOUT ROWID;
                CREATE INDEX exposures_by_user ON experiment_exposures(user_id);
                CREATE INDEX impressions_by_experiment ON impressions(experiment, variant) WHERE experiment IS NOT NULL;
                """)
        }
        migrator.registerMigration("v5: event log counters") { db in
            try db.execute(sql: """
                -- The event log's own counters, kept in the transactions that change it: the
                -- highest sequence ever given (erasing the newest events does not give theirs
                -- back, so a reader resuming after the last sequence it saw misses nothing),
                -- and the number of rows (what /metrics reports, without a scan).
                CREATE TABLE event_log (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    last_seq INTEGER NOT NULL,
                    rows INTEGER NOT NULL
                );
                INSERT INTO event_log (id, last_seq, rows) SELECT 1, COALESCE(MAX(seq), 0), COUNT(*) FROM events;
                """)
        }
        return migrator
    }
}
