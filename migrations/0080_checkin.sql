-- +migrate Up
-- Tickets and check-in at the door. Every confirmed registration has a
-- check-in code: ten characters of Crockford's base32 (no I, L, O or U,
-- which look like 1, 0 or V), 50 random bits, unique per event. It is not
-- the personal link's token: whoever sees it at the door can check the
-- person in and nothing else. A trigger gives it, so every way of
-- confirming (the pages, the admin console, the importer) hands out one.
-- The code stays when the registration is cancelled; only a confirmed
-- registration's code is a valid ticket.
ALTER TABLE registrations
    ADD COLUMN checkin_code  text CHECK (checkin_code ~ '^[0-9A-HJKMNP-TV-Z]{10}$'),
    ADD COLUMN checked_in_at timestamptz,
    ADD COLUMN checked_in_by bigint REFERENCES users (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX registrations_checkin_code_key ON registrations (event_id, checkin_code);

-- gen_random_uuid draws from the server's strong random source. Of a
-- version 4 UUID, bytes 6 and 8 carry fixed version and variant bits; the
-- low five bits of the other ten bytes are random.
-- +migrate StatementBegin
CREATE FUNCTION new_checkin_code() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    b bytea := uuid_send(gen_random_uuid());
    code text := '';
    i int;
BEGIN
    FOREACH i IN ARRAY ARRAY[0, 1, 2, 3, 4, 5, 7, 9, 10, 11] LOOP
        code := code || substr(alphabet, 1 + (get_byte(b, i) % 32), 1);
    END LOOP;
    RETURN code;
END
$$;
-- +migrate StatementEnd

-- +migrate StatementBegin
CREATE FUNCTION registrations_checkin_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'confirmed' AND NEW.checkin_code IS NULL THEN
        NEW.checkin_code := new_checkin_code();
    END IF;
    RETURN NEW;
END
$$;
-- +migrate StatementEnd

CREATE TRIGGER registrations_checkin_code BEFORE INSERT OR UPDATE OF status ON registrations
    FOR EACH ROW WHEN (NEW.status = 'confirmed' AND NEW.checkin_code IS NULL)
    EXECUTE FUNCTION registrations_checkin_code();

UPDATE registrations SET checkin_code = new_checkin_code() WHERE status = 'confirmed';

-- Where an event takes place, for its pages and calendar entries.
ALTER TABLE events ADD COLUMN location text NOT NULL DEFAULT '';
-- The answers the door staff see when they check someone in, as the dotted
-- keys of the form's fields, comma separated (guests, diet).
ALTER TABLE events ADD COLUMN checkin_answers text NOT NULL DEFAULT '';

-- Parts of a mail shown inside its HTML body (a ticket's QR code) rather
-- than offered as files.
ALTER TABLE mail_attachments ADD COLUMN inline boolean NOT NULL DEFAULT false;

-- +migrate Down
ALTER TABLE mail_attachments DROP COLUMN inline;
ALTER TABLE events DROP COLUMN checkin_answers, DROP COLUMN location;
DROP TRIGGER registrations_checkin_code ON registrations;
DROP FUNCTION registrations_checkin_code();
DROP FUNCTION new_checkin_code();
ALTER TABLE registrations DROP COLUMN checked_in_by, DROP COLUMN checked_in_at, DROP COLUMN checkin_code;
