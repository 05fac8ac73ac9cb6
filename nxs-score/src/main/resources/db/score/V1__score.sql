-- Scores (SPEC SC1-SC3): one row per file scored, refused or not scorable.
CREATE TABLE score_items (
  id              TEXT PRIMARY KEY,
  created_at      INTEGER NOT NULL,          -- epoch milliseconds
  file            TEXT NOT NULL,
  kind            TEXT,                      -- image | audio | NULL (unknown bytes)
  format          TEXT,
  sha256          TEXT NOT NULL,
  status          TEXT NOT NULL,             -- scored | rejected | unable_to_score
  reject_code     TEXT,                      -- rejections by reason
  quality         REAL,
  quality_unc     REAL,
  dimensions      TEXT NOT NULL,             -- JSON: name -> {value, uncertainty}
  flags           TEXT NOT NULL,             -- JSON array
  scorer          TEXT,
  scorer_version  TEXT,
  fallback        TEXT,
  reason          TEXT,
  review          INTEGER NOT NULL DEFAULT 0 -- 1 while it waits for a person
);
CREATE INDEX score_items_version ON score_items (kind, scorer, scorer_version, created_at);
CREATE INDEX score_items_review ON score_items (review, created_at);

-- Feedback from people (SPEC SC3): thumbs up/down, kept/deleted.
CREATE TABLE score_feedback (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  item_id    TEXT NOT NULL REFERENCES score_items (id),
  verdict    TEXT NOT NULL,                  -- up | down | kept | deleted
  actor      TEXT NOT NULL,
  at         INTEGER NOT NULL
);
CREATE INDEX score_feedback_item ON score_feedback (item_id);
