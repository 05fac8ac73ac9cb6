-- Which key signs the chain from the head on (SEC5 key rotation): the first 16 hex digits of the
-- SHA-256 of the public key's X.509 encoding. Every process appending compares it with its own key
-- inside the append transaction and loads the rotated key when another process rotated it.
-- NULL for a head written before this column existed: that log was never rotated.
ALTER TABLE audit_head ADD COLUMN key_id TEXT;
