-- +migrate Up
-- The person search ignores accents as it ignores case, so "schrod" finds
-- Schrödinger as an exact match instead of only as a similar name.
-- unaccent() is STABLE (its dictionary could be changed), which an index
-- may not use; search_unaccent names the dictionary and is IMMUTABLE, so
-- the trigram index and the admin's queries share one expression.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE FUNCTION search_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);

DROP INDEX persons_search_trgm_idx;
CREATE INDEX persons_search_trgm_idx ON persons
    USING gin (search_unaccent(name || ' ' || email) gin_trgm_ops) WITH (fastupdate = off);

-- +migrate Down
DROP INDEX persons_search_trgm_idx;
CREATE INDEX persons_search_trgm_idx ON persons USING gin ((name || ' ' || email) gin_trgm_ops) WITH (fastupdate = off);
DROP FUNCTION search_unaccent(text);
DROP EXTENSION IF EXISTS unaccent;
