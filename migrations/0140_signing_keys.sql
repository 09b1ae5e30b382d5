-- +migrate Up
-- Keys that sign what memberdb hands to browsers to bring back (the flash
-- cookie of visitors without a session). They live in the database, so
-- every instance on it signs and checks alike; each is made on first use.
CREATE TABLE signing_keys (
    name       text PRIMARY KEY,
    key        bytea NOT NULL CHECK (length(key) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +migrate Down
DROP TABLE signing_keys;
