-- +migrate Up
-- Where a keyboard has no umlauts, Germans type ae, oe and ue, and names
-- keep either spelling (Noether, Müller). search_fold folds both to the
-- bare vowel; a search folds what is typed, and search_text keeps each
-- name and address as written and, where that differs, folded too: so
-- "mueller" finds Müller, "nöther" finds Noether, and "el" still finds
-- Manuel, whose folded form is "manul".
CREATE FUNCTION search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN regexp_replace(lower(search_unaccent($1)), '([aou])e', '\1', 'g');

CREATE FUNCTION search_text_of(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(search_unaccent($1))
        || CASE WHEN lower(search_unaccent($1)) ~ '[aou]e' THEN ' ' || search_fold($1) ELSE '' END;

DROP INDEX persons_search_text_trgm_idx;
ALTER TABLE persons DROP COLUMN search_text;
ALTER TABLE persons ADD COLUMN search_text text
    GENERATED ALWAYS AS (search_text_of(name || ' ' || email)) STORED;
CREATE INDEX persons_search_text_trgm_idx ON persons
    USING gin (search_text gin_trgm_ops) WITH (fastupdate = off);

-- +migrate Down
DROP INDEX persons_search_text_trgm_idx;
ALTER TABLE persons DROP COLUMN search_text;
ALTER TABLE persons ADD COLUMN search_text text
    GENERATED ALWAYS AS (lower(search_unaccent(name || ' ' || email))) STORED;
CREATE INDEX persons_search_text_trgm_idx ON persons
    USING gin (search_text gin_trgm_ops) WITH (fastupdate = off);
DROP FUNCTION search_text_of(text);
DROP FUNCTION search_fold(text);
