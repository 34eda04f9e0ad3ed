import GRDB

/// The versioned schema of `db/pytrack.sqlite`. Migrations only ever get appended; see docs/schema.md.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(sql: """
                CREATE TABLE models (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,          -- hub repo id, e.g. EleutherAI/pythia-160m
                    is_demo INTEGER NOT NULL DEFAULT 0, -- synthetic / demo series (reports label it)
                    config_json TEXT,                   -- config.json as read at compute time
                    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
                );
                CREATE TABLE checkpoints (
                    id INTEGER PRIMARY KEY,
                    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    step INTEGER NOT NULL,
                    revision TEXT NOT NULL,
                    commit_sha TEXT,
                    weight_sha256 TEXT,                 -- sha256 of the weight file(s), joined with ',' when sharded
                    files_json TEXT,                    -- JSON array of the files fetched / read
                    state TEXT NOT NULL,                -- CheckpointState raw value
                    detail TEXT,                        -- e.g. 'duplicate of step 2000', an error line
                    source TEXT,                        -- 'hub' or the local path it was computed from
                    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
                    UNIQUE (model_id, step)
                );
                CREATE TABLE matrices (
                    id INTEGER PRIMARY KEY,
                    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
                    layer INTEGER,                      -- NULL for embed_in, embed_out, final LayerNorm
                    matrix TEXT NOT NULL,               -- contract name: qkv, q, k, v, attn_out, ...
                    tensor TEXT NOT NULL,               -- source tensor name in the checkpoint
                    rows INTEGER NOT NULL,
                    cols INTEGER NOT NULL,              -- 1 for vectors
                    dtype TEXT NOT NULL,
                    nonfinite_count INTEGER NOT NULL DEFAULT 0,
                    computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
                );
                CREATE UNIQUE INDEX matrices_key ON matrices(checkpoint_id, IFNULL(layer, -1), matrix);
                CREATE TABLE metric_groups (
                    matrix_id INTEGER NOT NULL REFERENCES matrices(id) ON DELETE CASCADE,
                    grp TEXT NOT NULL,                  -- e.g. 'moments', 'spectrum', 'fits', 'mp', 'powerlaw'
                    version INTEGER NOT NULL,           -- definition version the stored values were made with
                    PRIMARY KEY (matrix_id, grp)
                ) WITHOUT ROWID;
                CREATE TABLE metrics (
                    matrix_id INTEGER NOT NULL REFERENCES matrices(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,                 -- contract metric name
                    value REAL,                         -- NULL when undefined (e.g. NaN input)
                    PRIMARY KEY (matrix_id, name)
                ) WITHOUT ROWID;
                CREATE TABLE blobs (
                    matrix_id INTEGER NOT NULL REFERENCES matrices(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,                 -- singular_values, gauss_sample_sv, logistic_sample_sv, histogram, values, outliers
                    encoding TEXT NOT NULL,             -- f32le | i32le
                    count INTEGER NOT NULL,
                    meta_json TEXT,                     -- e.g. {"lo":-0.1,"hi":0.1} for a histogram
                    data BLOB NOT NULL,
                    PRIMARY KEY (matrix_id, kind)
                ) WITHOUT ROWID;
                CREATE TABLE derived_metrics (
                    id INTEGER PRIMARY KEY,
                    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    other_model_id INTEGER REFERENCES models(id) ON DELETE CASCADE, -- the standard twin for dedup_* rows
                    step INTEGER NOT NULL,
                    layer INTEGER,
                    matrix TEXT NOT NULL,               -- a matrix name, or a role for depth rows
                    metric TEXT NOT NULL,               -- dedup_norm_ratio, dedup_w1_spectrum, dedup_alpha_diff, depth_growth_rate, ...
                    value REAL,
                    version INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX derived_key ON derived_metrics(model_id, IFNULL(other_model_id, -1), step, IFNULL(layer, -1), matrix, metric);
                CREATE INDEX metrics_by_name ON metrics(name);
                CREATE INDEX checkpoints_by_model ON checkpoints(model_id, step);
                CREATE INDEX matrices_by_checkpoint ON matrices(checkpoint_id, matrix);
                """)
        }
        // Sync and compute keep their own lifecycle columns (sync_state/sync_detail vs compute_failure,
        // computed_sha256, expected_matrices); the shared `state`/`detail` pair, which each stage
        // overwrote, is carried over and dropped. Compute state is derived from what is stored.
        migrator.registerMigration("v2-lifecycles") { db in
            try db.execute(sql: """
                ALTER TABLE checkpoints ADD COLUMN sync_state TEXT;        -- SyncState; NULL: never synced
                ALTER TABLE checkpoints ADD COLUMN sync_detail TEXT;
                ALTER TABLE checkpoints ADD COLUMN compute_failure TEXT;   -- why the last compute failed; NULL: it did not
                ALTER TABLE checkpoints ADD COLUMN computed_sha256 TEXT;   -- content key the stored matrices came from
                ALTER TABLE checkpoints ADD COLUMN expected_matrices INTEGER; -- matrices the catalog names for that content
                -- A failure recorded by compute ('hub' = the cache, or a local path) vs by sync (the endpoint).
                UPDATE checkpoints SET
                    sync_state = CASE
                        WHEN state IN ('pending', 'synced', 'missing', 'duplicate') THEN state
                        WHEN state = 'failed' AND NOT (source = 'hub' OR source LIKE '/%' OR source LIKE '.%') THEN 'failed'
                        WHEN source = 'hub' OR source LIKE 'http%' OR source LIKE 'demo hub%' THEN 'synced'
                        ELSE NULL END,
                    sync_detail = CASE
                        WHEN state IN ('pending', 'synced', 'missing', 'duplicate') THEN detail
                        WHEN state = 'failed' AND NOT (source = 'hub' OR source LIKE '/%' OR source LIKE '.%') THEN detail
                        ELSE NULL END,
                    compute_failure = CASE
                        WHEN state = 'failed' AND (source = 'hub' OR source LIKE '/%' OR source LIKE '.%') THEN detail
                        ELSE NULL END,
                    computed_sha256 = CASE WHEN EXISTS (SELECT 1 FROM matrices x WHERE x.checkpoint_id = checkpoints.id)
                        THEN weight_sha256 END,
                    expected_matrices = CASE WHEN state = 'computed'
                        THEN (SELECT COUNT(*) FROM matrices x WHERE x.checkpoint_id = checkpoints.id) END;
                ALTER TABLE checkpoints DROP COLUMN state;
                ALTER TABLE checkpoints DROP COLUMN detail;
                """)
        }
        // Run groups (a manifest's standard, deduped and seed runs). A group has a `models` row of its own
        // (is_group = 1) that its group-level derived rows (seed spread) hang on.
        migrator.registerMigration("v2-run-groups") { db in
            try db.execute(sql: """
                ALTER TABLE models ADD COLUMN is_group INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE group_runs (
                    group_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    role TEXT NOT NULL,                 -- standard | deduped | seed
                    data TEXT NOT NULL,                 -- standard | deduped: the data the run saw
                    position INTEGER NOT NULL,
                    PRIMARY KEY (group_id, model_id)
                ) WITHOUT ROWID;
                CREATE TABLE group_comparisons (
                    group_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    comparison TEXT NOT NULL,           -- dedup | seed_spread
                    PRIMARY KEY (group_id, comparison)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
