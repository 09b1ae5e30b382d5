-- +migrate Up
-- An event may keep its registrations' answers shorter or longer than
-- RETAIN_REGISTRATIONS; NULL means the default. retention_notice_at is when
-- its organisers were told that the answers will go (once, two weeks
-- ahead); registrations_anonymised_at when the purge last took them.
ALTER TABLE events
    ADD COLUMN retain_registrations interval CHECK (retain_registrations > interval '0'),
    ADD COLUMN retention_notice_at timestamptz,
    ADD COLUMN registrations_anonymised_at timestamptz;

-- The purge looks for old mails by when they were last touched.
CREATE INDEX mail_outbox_done_idx ON mail_outbox (coalesce(sent_at, created_at)) WHERE status IN ('sent', 'failed', 'captured');
CREATE INDEX tokens_expires_idx ON tokens (expires_at);

-- +migrate Down
DROP INDEX tokens_expires_idx;
DROP INDEX mail_outbox_done_idx;
ALTER TABLE events
    DROP COLUMN retain_registrations,
    DROP COLUMN retention_notice_at,
    DROP COLUMN registrations_anonymised_at;
