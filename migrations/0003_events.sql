-- +migrate Up
CREATE TABLE events (
    id                  bigserial PRIMARY KEY,
    name                text NOT NULL,
    description         text NOT NULL DEFAULT '',
    footer              text NOT NULL DEFAULT '',
    notify_email        text,
    force_tu_mail       boolean NOT NULL DEFAULT false,
    shortlink           text UNIQUE CHECK (shortlink ~ '^[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*$'),
    max_participants    integer CHECK (max_participants >= 0),
    registration_open   boolean NOT NULL DEFAULT false,
    registration_schema jsonb NOT NULL DEFAULT '{"type": "object", "properties": {}}',
    starts_at           timestamptz,
    ends_at             timestamptz,
    opens_at            timestamptz,
    closes_at           timestamptz,
    -- After this, participants can no longer change their answers.
    editing_closes_at   timestamptz,
    -- How the mail texts address participants.
    formality           text NOT NULL DEFAULT 'du' CHECK (formality IN ('du', 'sie')),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registrations (
    id           bigserial PRIMARY KEY,
    event_id     bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    person_id    bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'waitinglist', 'canceled')),
    data         jsonb NOT NULL DEFAULT '{}',
    confirmed_at timestamptz,
    canceled_at  timestamptz,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, person_id)
);
CREATE INDEX registrations_event_status_idx ON registrations (event_id, status, confirmed_at);
CREATE INDEX registrations_person_idx ON registrations (person_id);

-- +migrate Down
DROP TABLE registrations;
DROP TABLE events;
