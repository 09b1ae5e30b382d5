-- +migrate Up
-- Secrets the accounts domain signs with, one row per purpose: the device
-- cookie a browser gets at login ("device_cookie"). The first instance that
-- needs one draws it and every instance reads the same row, so a cookie
-- signed by one instance is good at all of them and after restarts.
-- Deleting a row makes every cookie signed with it worthless.
CREATE TABLE auth_secrets (
    purpose    text PRIMARY KEY,
    secret     bytea NOT NULL CHECK (octet_length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +migrate Down
DROP TABLE auth_secrets;
