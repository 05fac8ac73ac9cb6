-- The vault's own index of what its repositories hold; the repositories stay the truth.
CREATE TABLE vault_snapshots (
  id           TEXT PRIMARY KEY,
  created_at   TEXT    NOT NULL,
  files        INTEGER NOT NULL,
  bytes        INTEGER NOT NULL,
  added_blobs  INTEGER NOT NULL,
  added_bytes  INTEGER NOT NULL,
  targets      TEXT    NOT NULL,
  verified_at  TEXT,
  verify_ok    INTEGER
);

-- Size of each agent memory file per snapshot, for the memory loss guard.
CREATE TABLE vault_memory_files (
  snapshot_id  TEXT    NOT NULL,
  path         TEXT    NOT NULL,
  size         INTEGER NOT NULL,
  PRIMARY KEY (snapshot_id, path)
);

-- One row per operation: backup, verify, prune, restore, drill, export.
CREATE TABLE vault_runs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT    NOT NULL,
  started_at   TEXT    NOT NULL,
  finished_at  TEXT    NOT NULL,
  ok           INTEGER NOT NULL,
  snapshot_id  TEXT,
  millis       INTEGER NOT NULL,
  detail       TEXT    NOT NULL
);
CREATE INDEX vault_runs_kind ON vault_runs (kind, finished_at);
