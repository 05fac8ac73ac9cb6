-- Stores kept from earlier migrations (either role) that a later migration of the same agent may
-- be sent against as a zstd patch (SPEC SE4's delta migration): the file, relative to the
-- session staging area, with the size and SHA-256 it had when it was kept.
CREATE TABLE session_bases (
  path         TEXT    NOT NULL PRIMARY KEY,
  agent        TEXT    NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT    NOT NULL,
  migration_id TEXT    NOT NULL,
  kept_at      INTEGER NOT NULL
);
CREATE INDEX session_bases_agent ON session_bases (agent, kept_at);
