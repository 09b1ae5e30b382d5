-- +migrate Up
-- Every page of an event shows its free places, and every confirmation
-- decides between a place and the waiting list by the number confirmed.
-- Counting the registrations each time grows with the event: for the
-- graduation ceremony with a thousand registrations it was the costliest
-- statement of a registration rush. The counts live on the event row
-- instead, kept by a trigger, so every way of changing a registration
-- (the pages, the admin console, the importer, deleting a person) keeps
-- them right. A status change holds the event row locked anyway, so the
-- update adds no waiting; the counters are no key columns, so it does not
-- block new registrations either.
ALTER TABLE events
    ADD COLUMN confirmed_count integer NOT NULL DEFAULT 0,
    ADD COLUMN waiting_count   integer NOT NULL DEFAULT 0;

UPDATE events e SET
    confirmed_count = (SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status = 'confirmed'),
    waiting_count   = (SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status = 'waitinglist');

-- +migrate StatementBegin
CREATE FUNCTION registrations_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('confirmed', 'waitinglist') THEN
        UPDATE events SET
            confirmed_count = confirmed_count - (OLD.status = 'confirmed')::int,
            waiting_count   = waiting_count - (OLD.status = 'waitinglist')::int
        WHERE id = OLD.event_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN ('confirmed', 'waitinglist') THEN
        UPDATE events SET
            confirmed_count = confirmed_count + (NEW.status = 'confirmed')::int,
            waiting_count   = waiting_count + (NEW.status = 'waitinglist')::int
        WHERE id = NEW.event_id;
    END IF;
    RETURN NULL;
END
$$;
-- +migrate StatementEnd

CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations
    FOR EACH ROW WHEN (NEW.status IN ('confirmed', 'waitinglist')) EXECUTE FUNCTION registrations_count();
CREATE TRIGGER registrations_count_update AFTER UPDATE OF status, event_id ON registrations
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.event_id IS DISTINCT FROM NEW.event_id)
    EXECUTE FUNCTION registrations_count();
CREATE TRIGGER registrations_count_delete AFTER DELETE ON registrations
    FOR EACH ROW WHEN (OLD.status IN ('confirmed', 'waitinglist')) EXECUTE FUNCTION registrations_count();

-- +migrate Down
DROP TRIGGER registrations_count_delete ON registrations;
DROP TRIGGER registrations_count_update ON registrations;
DROP TRIGGER registrations_count_insert ON registrations;
DROP FUNCTION registrations_count();
ALTER TABLE events DROP COLUMN waiting_count, DROP COLUMN confirmed_count;
