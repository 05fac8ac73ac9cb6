-- The Doctor's tables (SPEC DR1-DR8). Times are epoch milliseconds.

-- Sample history, downsampled: one row per series and minute (kept 2 days), one per hour (kept 8 days).
CREATE TABLE doctor_samples_1m (
  series   TEXT    NOT NULL,
  metric   TEXT    NOT NULL,
  minute   INTEGER NOT NULL,
  avg      REAL    NOT NULL,
  min      REAL    NOT NULL,
  max      REAL    NOT NULL,
  count    INTEGER NOT NULL,
  PRIMARY KEY (series, minute)
) WITHOUT ROWID;
CREATE INDEX doctor_samples_1m_minute ON doctor_samples_1m (minute);

CREATE TABLE doctor_samples_1h (
  series   TEXT    NOT NULL,
  metric   TEXT    NOT NULL,
  hour     INTEGER NOT NULL,
  avg      REAL    NOT NULL,
  min      REAL    NOT NULL,
  max      REAL    NOT NULL,
  count    INTEGER NOT NULL,
  PRIMARY KEY (series, hour)
) WITHOUT ROWID;
CREATE INDEX doctor_samples_1h_hour ON doctor_samples_1h (hour);

-- Alerts: one row per occurrence of a rule on one series; open ones are reloaded on start.
CREATE TABLE doctor_alerts (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT    NOT NULL UNIQUE,
  rule_id      TEXT    NOT NULL,
  labels       TEXT    NOT NULL,
  severity     TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  since        INTEGER NOT NULL,
  fired_at     INTEGER,
  resolved_at  INTEGER,
  value        REAL,
  message      TEXT    NOT NULL,
  flapping     INTEGER NOT NULL DEFAULT 0,
  acked_by     TEXT,
  incident_id  TEXT,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX doctor_alerts_state ON doctor_alerts (state);

CREATE TABLE doctor_incidents (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT    NOT NULL UNIQUE,
  body         TEXT    NOT NULL,
  opened_at    INTEGER NOT NULL,
  closed_at    INTEGER
);

-- The healing log: one row per action attempt.
CREATE TABLE doctor_healing (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT    NOT NULL UNIQUE,
  body         TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  requested_at INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX doctor_healing_state ON doctor_healing (state);

-- Small facts that must survive a restart: last heartbeat, uptime start, notification times.
CREATE TABLE doctor_facts (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
) WITHOUT ROWID;
