-- Periods the daemon was not running (from the last sign of life to the next start), so uptime can
-- be computed over the last 24 hours rather than since the first start.
CREATE TABLE doctor_downtime (
  started_at INTEGER NOT NULL,
  ended_at   INTEGER NOT NULL
);
CREATE INDEX doctor_downtime_ended ON doctor_downtime (ended_at);
