-- The sync module's record of its runs and of the conflicts it resolved. The git repositories
-- (NXS's own under <home>/sync and the remote) stay the truth about content.
CREATE TABLE sync_runs (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at        TEXT    NOT NULL,
  millis            INTEGER NOT NULL,
  ok                INTEGER NOT NULL,
  error             TEXT,
  local_changes     INTEGER NOT NULL,
  remote_changes    INTEGER NOT NULL,
  pushed            INTEGER NOT NULL,
  commit_id         TEXT,
  applied           INTEGER NOT NULL,
  deferred          INTEGER NOT NULL,
  conflicts         INTEGER NOT NULL,
  latency_seconds   REAL    NOT NULL,
  -- the oldest local change not yet on the remote after this run (a failed run), epoch millis
  oldest_pending    INTEGER
);

CREATE TABLE sync_conflicts (
  id           TEXT PRIMARY KEY,
  at           TEXT NOT NULL,
  path         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  resolution   TEXT NOT NULL,
  copy_path    TEXT,
  local_node   TEXT NOT NULL,
  remote_node  TEXT NOT NULL
);
CREATE INDEX sync_conflicts_at ON sync_conflicts (at);
