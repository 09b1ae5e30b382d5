-- +migrate Up
-- A mail an organiser wrote to an event's participants, kept between the
-- preview and the send, because uploaded files cannot travel through a
-- hidden form field. Its key is random so drafts cannot be guessed.
CREATE TABLE organiser_mail_drafts (
    key          text PRIMARY KEY,
    event_id     bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sender_name  text NOT NULL,
    sender_email text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    -- Registration statuses whose participants receive the mail.
    statuses     text[] NOT NULL,
    -- The sender gets a copy, as the old system's To: did.
    copy_to_sender boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Set once, by the send that wins; a second submit finds it set.
    sent_at      timestamptz,
    recipients   integer
);
CREATE INDEX organiser_mail_drafts_event_idx ON organiser_mail_drafts (event_id);
CREATE INDEX organiser_mail_drafts_unsent_idx ON organiser_mail_drafts (created_at) WHERE sent_at IS NULL;

CREATE TABLE organiser_mail_attachments (
    id           bigserial PRIMARY KEY,
    draft_key    text NOT NULL REFERENCES organiser_mail_drafts (key) ON DELETE CASCADE,
    filename     text NOT NULL,
    content_type text NOT NULL,
    size         integer NOT NULL,
    content      bytea NOT NULL
);
CREATE INDEX organiser_mail_attachments_draft_idx ON organiser_mail_attachments (draft_key);

-- +migrate Down
DROP TABLE organiser_mail_attachments;
DROP TABLE organiser_mail_drafts;
