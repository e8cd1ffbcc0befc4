/**
 * Versioned schema migrations. `PRAGMA user_version` records how many have run; each runs in
 * its own transaction, so a crash mid-migration leaves the previous version intact.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE servers (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, tenant TEXT NOT NULL, name TEXT NOT NULL,
    region TEXT NOT NULL, flavor TEXT NOT NULL, volumes TEXT NOT NULL, power_state TEXT NOT NULL,
    role TEXT NOT NULL, expires_at_ms INTEGER, pair_id TEXT, data_version INTEGER NOT NULL, data_bytes INTEGER NOT NULL DEFAULT 0,
    workload_per_minute REAL NOT NULL DEFAULT 0, created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL
  );
  CREATE INDEX servers_tenant ON servers (tenant, seq);
  CREATE TABLE files (
    server_id TEXT NOT NULL, path TEXT NOT NULL, version INTEGER NOT NULL, content TEXT,
    checksum TEXT, written_at_ms INTEGER NOT NULL, PRIMARY KEY (server_id, path, version)
  ) WITHOUT ROWID;
  CREATE TABLE pairs (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, tenant TEXT NOT NULL, name TEXT NOT NULL,
    main_server_id TEXT NOT NULL, shadow_server_id TEXT, test_server_id TEXT, placement TEXT NOT NULL,
    interval_hours INTEGER, machine TEXT NOT NULL, status TEXT NOT NULL, test_state TEXT NOT NULL,
    current_job_id TEXT, current_test_job_id TEXT, replication_error TEXT,
    created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL
  );
  CREATE INDEX pairs_tenant ON pairs (tenant, seq);
  CREATE INDEX pairs_status ON pairs (status);
  CREATE TABLE recovery_points (
    id TEXT PRIMARY KEY, pair_id TEXT NOT NULL, tenant TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
    status TEXT NOT NULL, tags TEXT NOT NULL, size_bytes INTEGER NOT NULL, data_version INTEGER NOT NULL,
    corrupt INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX recovery_points_pair ON recovery_points (pair_id, created_at_ms);
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, tenant TEXT NOT NULL, pair_id TEXT NOT NULL, type TEXT NOT NULL,
    status TEXT NOT NULL, steps TEXT NOT NULL, error TEXT, request TEXT NOT NULL, result TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL, ended_at_ms INTEGER, hung_by TEXT
  );
  CREATE INDEX jobs_pair ON jobs (pair_id, seq);
  CREATE INDEX jobs_status ON jobs (status);
  CREATE TABLE faults (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, rule TEXT NOT NULL);
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, tenant TEXT NOT NULL, pair_id TEXT,
    kind TEXT NOT NULL, data TEXT NOT NULL
  );
  CREATE INDEX events_pair ON events (pair_id, seq);
  CREATE TABLE schedule (
    seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL
  );
  CREATE INDEX schedule_at ON schedule (at_ms, seq);
  CREATE TABLE idempotency (
    tenant TEXT NOT NULL, key TEXT NOT NULL, pair_id TEXT NOT NULL, action TEXT NOT NULL, job_id TEXT NOT NULL,
    PRIMARY KEY (tenant, key)
  ) WITHOUT ROWID;
  CREATE TABLE snapshots (name TEXT PRIMARY KEY, created_at_ms INTEGER NOT NULL, state TEXT NOT NULL);
  `,
  // 2: the world registry of a served drsim (src/sim/worlds.ts): one row per tenant's world,
  // each world in a database file of its own. Unused inside a world's own file.
  `
  CREATE TABLE worlds (
    tenant TEXT PRIMARY KEY, seq INTEGER NOT NULL, file TEXT NOT NULL, options TEXT NOT NULL
  );
  `,
  // 3: retention's age-out runs on every tick for every pair (decision 0006): find old points fast.
  `
  CREATE INDEX recovery_points_created ON recovery_points (created_at_ms);
  `,
  // 4: a server's network and placement group (decision 0009), as JSON { network, placementGroupId }.
  `
  ALTER TABLE servers ADD COLUMN network TEXT;
  `,
  // 5: history retention (history-retention.ts) reads a server's file versions written before a time.
  `
  CREATE INDEX files_written ON files (server_id, written_at_ms);
  `,
  // 6: what a tenant is billed (src/sim/accounts.ts, decision 0012): a meter per billed resource,
  // open (end_ms NULL) while the resource exists; a transmission is an instant (start = end).
  `
  CREATE TABLE charges (
    seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, pair_id TEXT NOT NULL, item TEXT NOT NULL,
    server_id TEXT, volume_type TEXT, quantity REAL NOT NULL, unit_price REAL NOT NULL,
    start_ms INTEGER NOT NULL, end_ms INTEGER
  );
  CREATE INDEX charges_pair ON charges (pair_id, start_ms);
  CREATE INDEX charges_tenant ON charges (tenant, start_ms);
  CREATE INDEX charges_server ON charges (server_id) WHERE end_ms IS NULL;
  CREATE INDEX servers_pair ON servers (pair_id);
  CREATE INDEX files_version ON files (server_id, version);
  `,
  // 7: the HTTP API's idempotency answers (src/sim/http-answers.ts), kept across restarts.
  `
  CREATE TABLE http_answers (
    scope TEXT PRIMARY KEY, seq INTEGER NOT NULL, fingerprint TEXT NOT NULL, method TEXT NOT NULL,
    path TEXT NOT NULL, at_ms INTEGER NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
    headers TEXT NOT NULL
  );
  CREATE INDEX http_answers_at ON http_answers (at_ms);
  CREATE INDEX http_answers_seq ON http_answers (seq);
  `,
  // 8: a snapshot as one row per piece of the state (state-io.ts), never one giant JSON text.
  `
  CREATE TABLE snapshot_parts (
    name TEXT NOT NULL, part INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (name, part)
  ) WITHOUT ROWID;
  `,
  // 9: only the jobs still to run are looked up by status (rows.ts runningJobs, in seq order): an
  // index of those alone, instead of every job's status, which each finished job added to.
  `
  DROP INDEX jobs_status;
  CREATE INDEX jobs_active ON jobs (seq) WHERE status IN ('QUEUED', 'RUNNING');
  `,
  // 10: a job's steps (`~` first) and an action's packed events (kind `job*`) store their words as
  // numbers (rows.ts, stored-words.ts). Rows written before are read as they are, so no table
  // changes; the version makes an older drsim, which cannot read the new rows, refuse the file.
  `
  -- no table changes
  `,
  // 11: every file row went into three B-trees (the table, files_written, files_version), and
  // only billing's rare fallback read files_version (the bytes a main wrote between two points
  // when they are not one workload version apart); it now walks the primary key path by path
  // (accounts.ts, BYTES_WRITTEN_SQL). ~25 % less CPU per file row the workload writes.
  `
  DROP INDEX IF EXISTS files_version;
  `,
];
