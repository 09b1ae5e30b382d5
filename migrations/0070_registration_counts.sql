-- +migrate Up
-- Every page of an event shows its free places, and every confirmation
-- decides between a place and the waiting list by the number confirmed.
-- Counting the registrations each time grows with the event: for the
-- graduation ceremony with a thousand registrations it was the costliest
-- statement of a registration rush. The counts are kept instead, by
-- triggers, so every way of changing a registration (the pages, the admin
-- console, the importer, deleting a person) keeps them right.
--
-- They live in a table of their own, not on the event row: a confirmation
-- holds the event row locked while it decides, and if it also updated that
-- row, everyone queued for the lock would have to chase the new row
-- version. A status change holds the event lock already, so the one counts
-- row per event adds no waiting.
CREATE TABLE event_counts (
    event_id  bigint PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    confirmed integer NOT NULL DEFAULT 0,
    waiting   integer NOT NULL DEFAULT 0
);

INSERT INTO event_counts (event_id, confirmed, waiting)
SELECT e.id,
       (SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status = 'confirmed'),
       (SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status = 'waitinglist')
FROM events e;

-- +migrate StatementBegin
CREATE FUNCTION event_counts_create() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_counts (event_id) VALUES (NEW.id);
    RETURN NULL;
END
$$;
-- +migrate StatementEnd

CREATE TRIGGER event_counts_create AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION event_counts_create();

-- Only UPDATE: when an event is deleted, its counts row may go before its
-- registrations, and then there is nothing left to count.
-- +migrate StatementBegin
CREATE FUNCTION event_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('confirmed', 'waitinglist') THEN
        UPDATE event_counts SET
            confirmed = confirmed - (OLD.status = 'confirmed')::int,
            waiting   = waiting - (OLD.status = 'waitinglist')::int
        WHERE event_id = OLD.event_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN ('confirmed', 'waitinglist') THEN
        UPDATE event_counts SET
            confirmed = confirmed + (NEW.status = 'confirmed')::int,
            waiting   = waiting + (NEW.status = 'waitinglist')::int
        WHERE event_id = NEW.event_id;
    END IF;
    RETURN NULL;
END
$$;
-- +migrate StatementEnd

CREATE TRIGGER event_counts_insert AFTER INSERT ON registrations
    FOR EACH ROW WHEN (NEW.status IN ('confirmed', 'waitinglist')) EXECUTE FUNCTION event_counts_follow();
CREATE TRIGGER event_counts_update AFTER UPDATE OF status, event_id ON registrations
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.event_id IS DISTINCT FROM NEW.event_id)
    EXECUTE FUNCTION event_counts_follow();
CREATE TRIGGER event_counts_delete AFTER DELETE ON registrations
    FOR EACH ROW WHEN (OLD.status IN ('confirmed', 'waitinglist')) EXECUTE FUNCTION event_counts_follow();

-- +migrate Down
DROP TRIGGER event_counts_delete ON registrations;
DROP TRIGGER event_counts_update ON registrations;
DROP TRIGGER event_counts_insert ON registrations;
DROP FUNCTION event_counts_follow();
DROP TRIGGER event_counts_create ON events;
DROP FUNCTION event_counts_create();
DROP TABLE event_counts;
