-- +migrate Up
-- Which process claimed a mail it is sending: its host name, process id and
-- a random nonce the process drew when it started. A worker that starts on
-- the same host gives back at once what a crashed process there left
-- claimed, instead of waiting for the claim timeout. NULL for mails not
-- being sent, and for claims older than this column (they wait for the
-- timeout).
ALTER TABLE mail_outbox ADD COLUMN claimed_by text;
CREATE INDEX mail_outbox_claimed_by_idx ON mail_outbox (claimed_by) WHERE status = 'sending';

-- +migrate Down
DROP INDEX mail_outbox_claimed_by_idx;
ALTER TABLE mail_outbox DROP COLUMN claimed_by;
