-- Recovery drills the daemon ran on its schedule (SPEC RO5): one row per run, newest last.
CREATE TABLE drill_runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  drill       TEXT    NOT NULL,
  started_at  TEXT    NOT NULL,  -- ISO-8601 instant
  duration_ms INTEGER NOT NULL,
  passed      INTEGER NOT NULL,  -- 1 when every check held
  failed      TEXT    NOT NULL   -- the failed checks' names, '; '-separated, empty when it passed
);
CREATE INDEX drill_runs_by_drill ON drill_runs (drill, id);
