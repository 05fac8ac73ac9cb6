-- When each provider's newest key was first seen (SEC5 scheduled rotation): the key's age.
-- fingerprint is a truncated SHA-256 of the key, never the key, so a key set by hand, by the
-- secrets file or by a rotation restarts the clock.
CREATE TABLE gateway_key_age (
  provider    TEXT NOT NULL PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  set_at      TEXT NOT NULL
);
