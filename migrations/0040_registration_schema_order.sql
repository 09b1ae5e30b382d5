-- +migrate Up
-- A registration form shows its fields in the order the schema lists them.
-- jsonb keeps object keys sorted by length, not as written, so the schema
-- is kept as json, which stores the document as given.
ALTER TABLE events ALTER COLUMN registration_schema DROP DEFAULT;
ALTER TABLE events ALTER COLUMN registration_schema TYPE json USING registration_schema::json;
ALTER TABLE events ALTER COLUMN registration_schema SET DEFAULT '{"type": "object", "properties": {}}';

-- +migrate Down
ALTER TABLE events ALTER COLUMN registration_schema DROP DEFAULT;
ALTER TABLE events ALTER COLUMN registration_schema TYPE jsonb USING registration_schema::jsonb;
ALTER TABLE events ALTER COLUMN registration_schema SET DEFAULT '{"type": "object", "properties": {}}';
