-- +migrate Up
-- The admin's person search is typo-tolerant (trigram similarity) and must
-- stay fast on tens of thousands of persons: trigram GIN indexes serve both
-- ILIKE '%…%' and the word-similarity operator <%.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX persons_name_trgm_idx ON persons USING gin (name gin_trgm_ops);
CREATE INDEX persons_email_trgm_idx ON persons USING gin (email gin_trgm_ops);

-- Inline edits of university relations carry a version like every other
-- edited row, so a concurrent change is refused instead of overwritten.
ALTER TABLE tu_status ADD COLUMN version integer NOT NULL DEFAULT 1;

-- The audit log is listed newest first and filtered by who changed things.
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at DESC);

-- +migrate Down
DROP INDEX audit_log_user_idx;
DROP INDEX audit_log_at_idx;
ALTER TABLE tu_status DROP COLUMN version;
DROP INDEX persons_email_trgm_idx;
DROP INDEX persons_name_trgm_idx;
