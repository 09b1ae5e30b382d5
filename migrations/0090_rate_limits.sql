-- +migrate Up
-- The rate limits' counts (app/ratelimit), shared by every instance on
-- this database. UNLOGGED: a database crash may forget them, which only
-- gives guessers a fresh start they could also get by waiting; an app
-- restart does not. expires_at is when a row no longer counts, so one
-- sweep can remove the old rows of every limiter whatever its window.
CREATE UNLOGGED TABLE rate_limit_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    limiter    text NOT NULL,
    key        text NOT NULL,
    at         timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX rate_limit_events_key ON rate_limit_events (limiter, key, at);
CREATE INDEX rate_limit_events_expiry ON rate_limit_events (expires_at);

CREATE UNLOGGED TABLE rate_limit_backoff (
    limiter    text NOT NULL,
    key        text NOT NULL,
    failures   integer NOT NULL,
    last_at    timestamptz NOT NULL,
    prev_at    timestamptz,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (limiter, key)
);
CREATE INDEX rate_limit_backoff_expiry ON rate_limit_backoff (expires_at);

-- +migrate Down
DROP TABLE rate_limit_backoff;
DROP TABLE rate_limit_events;
