-- +migrate Up
-- The words of the persons' names, each once, for the admin's person
-- search to suggest names like a mistyped one ("schmitd"). Ranking every
-- name through the trigram index on persons.name read the postings of
-- the typo's trigrams, whose lists grow with the table (9 ms among
-- 500,000 persons); the names' words are a vocabulary, which grows with
-- how many names there are, not how many persons bear them. The search
-- finds the words like the one typed here, then their persons through
-- person_search_words, and still compares each with the whole name.
--
-- Kept in step by the same trigger function as person_search_words (0148):
-- a new name adds its words; a word goes once nobody's search words hold
-- it any more, so an erased or renamed person's name leaves nothing here
-- that is theirs alone. The trigger decides from what its transaction
-- sees: two erasing a word's last two bearers at once keep it, one
-- erasing the last bearer while another adds one drops it (a suggestion
-- missed; the search compares every person it suggests with the typed
-- word itself). The daily purge mends both (members.SweepNameWords).
-- Locking each word instead would make registrations of people with the
-- same first name wait for each other.
-- The words are in the form of the search's words (search_text_of).
CREATE TABLE search_name_words (
    word text COLLATE "C" PRIMARY KEY
);
-- GiST, not GIN: its scan is an index scan, which the search can have
-- while it keeps the persons' trigram index (a bitmap scan) out of the
-- same statement.
CREATE INDEX search_name_words_trgm_idx ON search_name_words
    USING gist (word gist_trgm_ops);

-- +migrate StatementBegin
CREATE OR REPLACE FUNCTION person_search_words_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM person_search_words s
         WHERE s.person_id = OLD.id
           AND s.word = ANY (search_words_of(OLD.search_text))
           AND (TG_OP = 'DELETE' OR s.word <> ALL (search_words_of(NEW.search_text)));
        DELETE FROM search_name_words n
         WHERE n.word = ANY (search_words_of(search_text_of(OLD.name)))
           AND NOT EXISTS (SELECT 1 FROM person_search_words s WHERE s.word = n.word);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO person_search_words (word, person_id)
        SELECT w, NEW.id FROM unnest(search_words_of(NEW.search_text)) w
        ON CONFLICT DO NOTHING;
        INSERT INTO search_name_words (word)
        SELECT w FROM unnest(search_words_of(search_text_of(NEW.name))) w
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
-- +migrate StatementEnd

-- +migrate StatementBegin
CREATE OR REPLACE FUNCTION person_search_words_clear() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE person_search_words, search_name_words;
    RETURN NULL;
END
$$;
-- +migrate StatementEnd

INSERT INTO search_name_words (word)
SELECT DISTINCT w FROM persons p, unnest(search_words_of(search_text_of(p.name))) w;

-- +migrate Down
-- +migrate StatementBegin
CREATE OR REPLACE FUNCTION person_search_words_clear() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE person_search_words;
    RETURN NULL;
END
$$;
-- +migrate StatementEnd

-- +migrate StatementBegin
CREATE OR REPLACE FUNCTION person_search_words_sync() RETURNS trigger
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

DROP TABLE search_name_words;
