-- +migrate Up
-- Each registration records the version of the event's form it was
-- answered with, so a page showing old answers can show the questions they
-- answered. Every change of an event's registration_schema is a new version
-- (the database counts them, so no code path can forget one); the schema of
-- every version is kept.
ALTER TABLE events ADD COLUMN form_version integer NOT NULL DEFAULT 1;
ALTER TABLE registrations ADD COLUMN form_version integer NOT NULL DEFAULT 1;

CREATE TABLE event_form_versions (
    event_id            bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    version             integer NOT NULL,
    registration_schema json NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, version)
);
INSERT INTO event_form_versions (event_id, version, registration_schema)
    SELECT id, form_version, registration_schema FROM events;

-- +migrate StatementBegin
CREATE FUNCTION event_form_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.registration_schema::text IS DISTINCT FROM OLD.registration_schema::text THEN
        NEW.form_version := OLD.form_version + 1;
    END IF;
    RETURN NEW;
END $$;
-- +migrate StatementEnd
CREATE TRIGGER event_form_version_bump BEFORE UPDATE OF registration_schema ON events
    FOR EACH ROW EXECUTE FUNCTION event_form_version_bump();

-- +migrate StatementBegin
CREATE FUNCTION event_form_version_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_form_versions (event_id, version, registration_schema)
        VALUES (NEW.id, NEW.form_version, NEW.registration_schema)
        ON CONFLICT (event_id, version) DO NOTHING;
    RETURN NULL;
END $$;
-- +migrate StatementEnd
CREATE TRIGGER event_form_version_keep AFTER INSERT OR UPDATE OF registration_schema ON events
    FOR EACH ROW EXECUTE FUNCTION event_form_version_keep();

-- Answers stored (or changed) are answers to the event's current form.
-- +migrate StatementBegin
CREATE FUNCTION registration_form_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.data IS DISTINCT FROM OLD.data THEN
        NEW.form_version := (SELECT form_version FROM events WHERE id = NEW.event_id);
    END IF;
    RETURN NEW;
END $$;
-- +migrate StatementEnd
CREATE TRIGGER registration_form_version BEFORE INSERT OR UPDATE OF data ON registrations
    FOR EACH ROW EXECUTE FUNCTION registration_form_version();

-- +migrate Down
DROP TRIGGER registration_form_version ON registrations;
DROP FUNCTION registration_form_version();
DROP TRIGGER event_form_version_keep ON events;
DROP FUNCTION event_form_version_keep();
DROP TRIGGER event_form_version_bump ON events;
DROP FUNCTION event_form_version_bump();
DROP TABLE event_form_versions;
ALTER TABLE registrations DROP COLUMN form_version;
ALTER TABLE events DROP COLUMN form_version;
