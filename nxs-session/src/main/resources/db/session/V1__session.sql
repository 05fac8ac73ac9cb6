-- Migrations of OpenClaw sessions between NXS instances (SPEC SE2), one row per migration and
-- role: a daemon is the source of outgoing and the target of incoming migrations.
CREATE TABLE session_migrations (
  id          TEXT    NOT NULL,
  role        TEXT    NOT NULL CHECK (role IN ('source', 'target')),
  peer        TEXT    NOT NULL,
  agent       TEXT,
  key_file    TEXT,
  state       TEXT    NOT NULL,
  failed_in   TEXT,
  reason      TEXT,
  resumable   INTEGER NOT NULL DEFAULT 0,
  bundle_json TEXT,
  phase       TEXT    NOT NULL DEFAULT 'bulk' CHECK (phase IN ('bulk', 'final')),
  bytes_total INTEGER NOT NULL DEFAULT 0,
  bytes_done  INTEGER NOT NULL DEFAULT 0,
  lazy_json   TEXT,
  detail_json TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (id, role)
);

-- The files of an incoming migration and how much of each is on disk (fsynced) here.
CREATE TABLE session_incoming_files (
  migration_id TEXT    NOT NULL,
  idx          INTEGER NOT NULL,
  name         TEXT    NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT    NOT NULL,
  received     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (migration_id, idx)
);

-- The fence (SPEC SE3 case 5): while a row is here this instance must not run the agent as
-- primary; `nxs session unfence` removes it.
CREATE TABLE session_fence (
  id           INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  migration_id TEXT    NOT NULL,
  peer         TEXT    NOT NULL,
  fenced_at    INTEGER NOT NULL
);
