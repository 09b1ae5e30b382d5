-- +migrate Up
-- The language a registration was made in: its mails are written in it,
-- not in the language the person first gave (someone who applied in
-- German and registers on the English pages reads English). NULL for
-- registrations made before, which keep the person's language.
ALTER TABLE registrations ADD COLUMN language text CHECK (language IN ('de', 'en'));

-- +migrate Down
ALTER TABLE registrations DROP COLUMN language;
