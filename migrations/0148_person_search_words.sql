-- +migrate Up
-- The words of each person's search_text, for the admin's person search:
-- a term that begins one of the words of more than 200 persons occurs in
-- their search_text, so the search knows it shows "more than 200" from a
-- few hundred of these ordered keys, where the trigram index reads every
-- posting of the term's trigrams (12,500 persons for a common first name
-- among 500,000, 4 ms, growing with the table). The table is
-- only ever a shortcut to that answer: a word found here is a substring of
-- search_text, so it never shows a person the search would not find.
--
-- Kept by triggers from persons alone (no foreign key, whose cascade
-- would want a second index, by person, on every registration): the
-- words a row loses are deleted by their keys, worked out again from the
-- old search_text, and an anonymised person's words are those of the
-- placeholder. So search_words_of must give the same words for the same
-- text for good: it splits at ASCII's punctuation, spaces and control
-- characters, which no locale or library upgrade reclassifies. A
-- migration that rewrites search_text without updating rows (dropping
-- and adding the generated column, as 0141 and 0147 did) must rebuild
-- this table from the new text. The keys are in byte order (COLLATE
-- "C"), where the words beginning with a term are one stretch; a
-- linguistic order would scatter them. Words longer than a search can be
-- (200 bytes) are left out, also keeping every key within what a B-tree
-- entry can hold.
CREATE TABLE person_search_words (
    word      text COLLATE "C" NOT NULL,
    person_id bigint NOT NULL
);

CREATE FUNCTION search_words_of(text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN ARRAY(SELECT DISTINCT w FROM regexp_split_to_table($1, '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+') w
                 WHERE w <> '' AND octet_length(w) <= 200);

-- +migrate StatementBegin
CREATE FUNCTION person_search_words_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM person_search_words s
         WHERE s.person_id = OLD.id
           AND s.word = ANY (search_words_of(OLD.search_text))
           AND (TG_OP = 'DELETE' OR s.word <> ALL (search_words_of(NEW.search_text)));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO person_search_words (word, person_id)
        SELECT w, NEW.id FROM unnest(search_words_of(NEW.search_text)) w
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
-- +migrate StatementEnd

-- +migrate StatementBegin
CREATE FUNCTION person_search_words_clear() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE person_search_words;
    RETURN NULL;
END
$$;
-- +migrate StatementEnd

CREATE TRIGGER person_search_words_insert AFTER INSERT ON persons
    FOR EACH ROW EXECUTE FUNCTION person_search_words_sync();
CREATE TRIGGER person_search_words_update AFTER UPDATE OF name, email ON persons
    FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text)
    EXECUTE FUNCTION person_search_words_sync();
CREATE TRIGGER person_search_words_delete AFTER DELETE ON persons
    FOR EACH ROW EXECUTE FUNCTION person_search_words_sync();
CREATE TRIGGER person_search_words_truncate AFTER TRUNCATE ON persons
    FOR EACH STATEMENT EXECUTE FUNCTION person_search_words_clear();

INSERT INTO person_search_words (word, person_id)
SELECT w, p.id FROM persons p, unnest(search_words_of(p.search_text)) w;
ALTER TABLE person_search_words ADD PRIMARY KEY (word, person_id);

-- +migrate Down
DROP TRIGGER person_search_words_truncate ON persons;
DROP TRIGGER person_search_words_delete ON persons;
DROP TRIGGER person_search_words_update ON persons;
DROP TRIGGER person_search_words_insert ON persons;
DROP FUNCTION person_search_words_clear();
DROP FUNCTION person_search_words_sync();
DROP FUNCTION search_words_of(text);
DROP TABLE person_search_words;
