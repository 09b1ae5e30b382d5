-- +migrate Up
-- The admin's person search must stay fast on tens of thousands of
-- persons. Trigram GIN indexes serve the substring search over name and
-- address together (ILIKE '%…%' for every word of the query; the admin's
-- queries use exactly this expression) and the typo-tolerant lookup of
-- names by word similarity (<%) when nothing matches as typed.
-- fastupdate is off: with it, new rows wait in a pending list that every
-- search scans in full until the next vacuum, which after an import of
-- thousands of persons makes each search several times slower. Persons are
-- added rarely, so inserting straight into the index costs nothing noticeable.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX persons_search_trgm_idx ON persons USING gin ((name || ' ' || email) gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX persons_name_trgm_idx ON persons USING gin (name gin_trgm_ops) WITH (fastupdate = off);

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
DROP INDEX persons_name_trgm_idx;
DROP INDEX persons_search_trgm_idx;
