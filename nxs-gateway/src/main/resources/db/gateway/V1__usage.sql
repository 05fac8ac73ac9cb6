-- Token and cost totals per day, provider, model and API key (SPEC GW9).
CREATE TABLE gateway_usage (
  day               TEXT    NOT NULL,
  provider          TEXT    NOT NULL,
  model             TEXT    NOT NULL,
  api_key_id        TEXT    NOT NULL,
  requests          INTEGER NOT NULL,
  prompt_tokens     INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  cost              REAL    NOT NULL,
  PRIMARY KEY (day, provider, model, api_key_id)
);
