-- The hash-chained audit log (SPEC AU2, docs/adr/0020-audit-chain-and-checkpoint-signatures.md).
-- Hashes are lower-case hex SHA-256; signatures base64 Ed25519; timestamps epoch milliseconds.
CREATE TABLE audit_entries (
  seq        INTEGER PRIMARY KEY,
  ts_millis  INTEGER NOT NULL,
  event_type TEXT    NOT NULL,
  severity   TEXT    NOT NULL,
  actor      TEXT    NOT NULL,
  target     TEXT    NOT NULL,
  details    TEXT    NOT NULL,  -- canonical JSON, keys sorted
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL,
  signature  TEXT               -- set on the last entry of each committed batch
);

CREATE INDEX audit_entries_ts ON audit_entries (ts_millis);
CREATE INDEX audit_entries_type ON audit_entries (event_type);

-- The tip of the whole chain (archived entries included), rewritten in every append transaction:
-- deleting the newest entries leaves it pointing past the end, which verify reports.
CREATE TABLE audit_head (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  seq       INTEGER NOT NULL,
  hash      TEXT    NOT NULL,
  signature TEXT    NOT NULL
);

-- Where the live chain starts once older entries moved to archive files: the first live seq and
-- the hash it must link to, signed so it cannot be moved to hide deleted entries.
CREATE TABLE audit_anchor (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  seq       INTEGER NOT NULL,
  prev_hash TEXT    NOT NULL,
  archive   TEXT    NOT NULL,
  signature TEXT    NOT NULL
);
