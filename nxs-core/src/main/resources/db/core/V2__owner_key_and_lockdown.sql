-- SEC5 compromise response. The owner key is the one NXS writes to keys/admin.key in the home: only
-- whoever can read the home holds it, and during a lockdown it is the only key admin routes accept.
ALTER TABLE api_keys ADD COLUMN owner INTEGER NOT NULL DEFAULT 0 CHECK (owner IN (0, 1));

-- Lockdown mode: one row, present once lockdown was first entered; survives restarts.
CREATE TABLE lockdown (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    active      INTEGER NOT NULL CHECK (active IN (0, 1)),
    agents      INTEGER NOT NULL CHECK (agents IN (0, 1)),  -- 1: the agents' /v1/* is locked too
    reason      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    changed_at  INTEGER NOT NULL  -- epoch milliseconds
);
