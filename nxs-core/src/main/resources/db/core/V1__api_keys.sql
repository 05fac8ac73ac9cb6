-- API keys (SEC2): only a SHA-256 hash of each key is stored; the key itself is shown once.
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('read', 'admin')),
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,   -- epoch milliseconds
    expires_at  INTEGER,            -- epoch milliseconds; NULL never expires
    revoked_at  INTEGER             -- epoch milliseconds; NULL while valid
);
