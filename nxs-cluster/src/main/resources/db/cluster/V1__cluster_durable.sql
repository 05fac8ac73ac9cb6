-- Pekko Distributed Data's durable keys (ADR 0072): the latest envelope of each durable key, as
-- Pekko's own serializer wrote it, so a node stopped or downed loads them when it starts again.
CREATE TABLE cluster_durable (
  key         TEXT PRIMARY KEY,          -- Distributed Data key id, e.g. nxs-tasks
  serializer  INTEGER NOT NULL,          -- Pekko serializer id
  manifest    TEXT NOT NULL,             -- Pekko serializer manifest
  envelope    BLOB NOT NULL,             -- the serialized DurableDataEnvelope
  updated_at  INTEGER NOT NULL           -- epoch milliseconds
);
