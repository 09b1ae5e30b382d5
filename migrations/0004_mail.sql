-- +migrate Up
CREATE TABLE mail_outbox (
    id              bigserial PRIMARY KEY,
    -- What caused the mail, for the admin view: e.g. event_confirmation.
    kind            text NOT NULL,
    person_id       bigint REFERENCES persons (id) ON DELETE SET NULL,
    event_id        bigint REFERENCES events (id) ON DELETE SET NULL,
    registration_id bigint REFERENCES registrations (id) ON DELETE SET NULL,
    to_addrs        text[] NOT NULL,
    cc_addrs        text[] NOT NULL DEFAULT '{}',
    bcc_addrs       text[] NOT NULL DEFAULT '{}',
    reply_to        text NOT NULL DEFAULT '',
    subject         text NOT NULL,
    body_text       text NOT NULL,
    body_html       text NOT NULL DEFAULT '',
    -- captured: kept in the development mailbox instead of being sent.
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'captured')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_at      timestamptz,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX mail_outbox_person_idx ON mail_outbox (person_id);

CREATE TABLE mail_attachments (
    id           bigserial PRIMARY KEY,
    mail_id      bigint NOT NULL REFERENCES mail_outbox (id) ON DELETE CASCADE,
    filename     text NOT NULL,
    content_type text NOT NULL,
    content      bytea NOT NULL
);
CREATE INDEX mail_attachments_mail_idx ON mail_attachments (mail_id);

CREATE TABLE mail_attempts (
    id      bigserial PRIMARY KEY,
    mail_id bigint NOT NULL REFERENCES mail_outbox (id) ON DELETE CASCADE,
    at      timestamptz NOT NULL DEFAULT now(),
    error   text NOT NULL
);
CREATE INDEX mail_attempts_mail_idx ON mail_attempts (mail_id);

-- +migrate Down
DROP TABLE mail_attempts;
DROP TABLE mail_attachments;
DROP TABLE mail_outbox;
