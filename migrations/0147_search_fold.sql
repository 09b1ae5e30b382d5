-- +migrate Up
-- Where a keyboard has no umlauts, Germans type ae, oe and ue, and names
-- keep either spelling (Noether, Müller). The person search folds both to
-- the bare vowel, on the stored text and on what is typed alike, so
-- "mueller" finds Müller and "nöther" finds Noether, as "muller" already
-- found Müller. A word that merely holds such a pair (Michael, Samuel)
-- folds the same way on both sides and is still found as typed.
CREATE FUNCTION search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN regexp_replace(lower(search_unaccent($1)), '([aou])e', '\1', 'g');

DROP INDEX persons_search_text_trgm_idx;
ALTER TABLE persons DROP COLUMN search_text;
ALTER TABLE persons ADD COLUMN search_text text
    GENERATED ALWAYS AS (search_fold(name || ' ' || email)) STORED;
CREATE INDEX persons_search_text_trgm_idx ON persons
    USING gin (search_text gin_trgm_ops) WITH (fastupdate = off);

-- +migrate Down
DROP INDEX persons_search_text_trgm_idx;
ALTER TABLE persons DROP COLUMN search_text;
ALTER TABLE persons ADD COLUMN search_text text
    GENERATED ALWAYS AS (lower(search_unaccent(name || ' ' || email))) STORED;
CREATE INDEX persons_search_text_trgm_idx ON persons
    USING gin (search_text gin_trgm_ops) WITH (fastupdate = off);
DROP FUNCTION search_fold(text);
