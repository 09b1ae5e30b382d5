-- +migrate Up
-- An event's name, description and footer for English visitors, beside
-- the German ones; empty: they read the German (each on its own).
ALTER TABLE events
    ADD COLUMN name_en        text NOT NULL DEFAULT '',
    ADD COLUMN description_en text NOT NULL DEFAULT '',
    ADD COLUMN footer_en      text NOT NULL DEFAULT '';

-- +migrate Down
ALTER TABLE events DROP COLUMN footer_en, DROP COLUMN description_en, DROP COLUMN name_en;
