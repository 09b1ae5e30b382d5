-- +migrate Up
CREATE TABLE tu_status (
    id       bigserial PRIMARY KEY,
    name     text NOT NULL UNIQUE,
    position integer NOT NULL DEFAULT 0
);

CREATE TABLE persons (
    id                bigserial PRIMARY KEY,
    name              text NOT NULL,
    email             text NOT NULL,
    email_valid       boolean NOT NULL DEFAULT false,
    date_of_birth     date,
    joining_date      date,
    membership_status text CHECK (membership_status IN ('email_unverified', 'pending', 'confirmed', 'denied', 'canceled')),
    membership_type   text CHECK (membership_type IN ('ordentlich', 'ausserordentlich')),
    tu_status_id      bigint REFERENCES tu_status (id) ON DELETE SET NULL,
    -- The language the person last used on the site; their mails use it.
    language          text NOT NULL DEFAULT 'de' CHECK (language IN ('de', 'en')),
    anonymised_at     timestamptz,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- Addresses are compared case-insensitively: Max@X.de and max@x.de are one person.
CREATE UNIQUE INDEX persons_email_key ON persons (lower(email));
CREATE INDEX persons_membership_status_idx ON persons (membership_status);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL,
    password_hash text NOT NULL,
    person_id     bigint NOT NULL REFERENCES persons (id) ON DELETE RESTRICT,
    disabled_at   timestamptz,
    -- Bumped when the password changes: sessions of an older epoch end.
    session_epoch integer NOT NULL DEFAULT 0,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

CREATE TABLE access_levels (
    name        text PRIMARY KEY,
    -- False for levels the code no longer declares; kept so grants survive.
    in_use      boolean NOT NULL DEFAULT true
);

CREATE TABLE roles (
    name       text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE role_access_levels (
    role         text NOT NULL REFERENCES roles (name) ON DELETE CASCADE ON UPDATE CASCADE,
    access_level text NOT NULL REFERENCES access_levels (name) ON DELETE CASCADE ON UPDATE CASCADE,
    PRIMARY KEY (role, access_level)
);

CREATE TABLE user_roles (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    text NOT NULL REFERENCES roles (name) ON DELETE CASCADE ON UPDATE CASCADE,
    PRIMARY KEY (user_id, role)
);

-- Mailed links: only a hash of the token is stored.
CREATE TABLE tokens (
    hash       bytea PRIMARY KEY,
    purpose    text NOT NULL,
    subject_id bigint NOT NULL,
    expires_at timestamptz NOT NULL,
    single_use boolean NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tokens_subject_idx ON tokens (purpose, subject_id);

-- Who changed what; personal values of anonymised persons are removed.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    user_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    actor      text NOT NULL,
    table_name text NOT NULL,
    row_id     text NOT NULL,
    field      text NOT NULL DEFAULT '',
    old_value  text,
    new_value  text
);
CREATE INDEX audit_log_row_idx ON audit_log (table_name, row_id, at);

-- +migrate Down
DROP TABLE audit_log;
DROP TABLE tokens;
DROP TABLE user_roles;
DROP TABLE role_access_levels;
DROP TABLE roles;
DROP TABLE access_levels;
DROP TABLE users;
DROP TABLE persons;
DROP TABLE tu_status;
