-- +migrate Up
-- Every instance caches public pages for a moment (web.PageCache). A
-- change of an event or a registration, made by any instance, job or
-- command, notifies them all to drop their pages. NOTIFY is sent at commit
-- and once per transaction however many rows changed.
-- +migrate StatementBegin
CREATE FUNCTION notify_public_pages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('memberdb_pages', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
-- +migrate StatementEnd
CREATE TRIGGER events_notify_pages AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_pages();
CREATE TRIGGER registrations_notify_pages AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON registrations
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_pages();

-- +migrate Down
DROP TRIGGER registrations_notify_pages ON registrations;
DROP TRIGGER events_notify_pages ON events;
DROP FUNCTION notify_public_pages();
