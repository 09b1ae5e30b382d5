-- +migrate Up
-- The admin's person search is typo-tolerant and must stay fast on tens of
-- thousands of persons. One trigram GIN index over name and address serves
-- both the substring search (ILIKE '%…%', every word of the query) and the
-- word-similarity lookup (<%) for typos; the admin queries use exactly this
-- expression.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX persons_search_trgm_idx ON persons USING gin ((name || ' ' || email) gin_trgm_ops);

-- Inline edits of university relations carry a version like every other
-- edited row, so a concurrent change is refused instead of overwritten.
ALTER TABLE tu_status ADD COLUMN version integer NOT NULL DEFAULT 1;

-- The audit log is listed newest first and filtered by who changed things.
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at DESC);

-- +migrate Down
DROP INDEX audit_log_actor_idx;
DROP INDEX audit_log_at_idx;
ALTER TABLE tu_status DROP COLUMN version;
DROP INDEX persons_search_trgm_idx;
