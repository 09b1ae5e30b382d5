-- +migrate Up
-- An event's location for English visitors ("Lecture hall 1, physics
-- building"), beside the German; empty: they read the German.
ALTER TABLE events ADD COLUMN location_en text NOT NULL DEFAULT '';

-- +migrate Down
ALTER TABLE events DROP COLUMN location_en;
