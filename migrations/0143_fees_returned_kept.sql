-- +migrate Up
-- A returned debit collected again gets a new fee row in the new run; the
-- returned one stays in the run the bank got, with its reason, so a run
-- given to the bank never changes. Of a member's fees for a year at most
-- one is not returned.
ALTER TABLE fees DROP CONSTRAINT fees_person_id_year_key;
CREATE UNIQUE INDEX fees_person_year_key ON fees (person_id, year) WHERE status <> 'returned';
CREATE INDEX fees_person_year_idx ON fees (person_id, year);

-- +migrate Down
-- Back to one row per member and year: the newest of each.
DROP INDEX fees_person_year_idx;
DROP INDEX fees_person_year_key;
DELETE FROM fees f WHERE EXISTS (SELECT 1 FROM fees g WHERE g.person_id = f.person_id AND g.year = f.year AND g.id > f.id);
ALTER TABLE fees ADD CONSTRAINT fees_person_id_year_key UNIQUE (person_id, year);
