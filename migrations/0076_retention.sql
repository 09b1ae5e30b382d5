-- +migrate Up
-- An event may keep its registrations' answers shorter or longer than
-- RETAIN_REGISTRATIONS; NULL means the default. retention_notice_at is when
-- its organisers were told that the answers will go (once, two weeks
-- ahead); registrations_anonymised_at when the purge last took them.
ALTER TABLE events
    ADD COLUMN retain_registrations interval CHECK (retain_registrations > interval '0'),
    ADD COLUMN retention_notice_at timestamptz,
    ADD COLUMN registrations_anonymised_at timestamptz;

-- A notice that named another date no longer holds when the event's dates
-- or period change: the next purge tells the organisers again.
-- +migrate StatementBegin
CREATE FUNCTION events_retention_renotice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.retain_registrations IS DISTINCT FROM OLD.retain_registrations
       OR NEW.starts_at IS DISTINCT FROM OLD.starts_at OR NEW.ends_at IS DISTINCT FROM OLD.ends_at THEN
        NEW.retention_notice_at := NULL;
    END IF;
    RETURN NEW;
END $$;
-- +migrate StatementEnd
CREATE TRIGGER events_retention_renotice BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_retention_renotice();

-- retention_period writes an interval as RETAIN_* periods are written
-- (config.Period.String), for the admin's form.
CREATE FUNCTION retention_period(iv interval) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    RETURN CASE
        WHEN extract(day FROM iv) = 0 AND (extract(year FROM iv) * 12 + extract(month FROM iv))::int % 12 = 0
            THEN ((extract(year FROM iv) * 12 + extract(month FROM iv))::int / 12)::text || 'y'
        WHEN extract(day FROM iv) = 0
            THEN (extract(year FROM iv) * 12 + extract(month FROM iv))::int::text || 'mo'
        WHEN extract(year FROM iv) = 0 AND extract(month FROM iv) = 0 AND extract(day FROM iv)::int % 7 = 0
            THEN (extract(day FROM iv)::int / 7)::text || 'w'
        WHEN extract(year FROM iv) = 0 AND extract(month FROM iv) = 0
            THEN extract(day FROM iv)::int::text || 'd'
        ELSE iv::text END;

-- The purge looks for old mails by when they were last touched.
CREATE INDEX mail_outbox_done_idx ON mail_outbox (coalesce(sent_at, created_at)) WHERE status IN ('sent', 'failed', 'captured');
CREATE INDEX tokens_expires_idx ON tokens (expires_at);

-- +migrate Down
DROP FUNCTION retention_period(interval);
DROP TRIGGER events_retention_renotice ON events;
DROP FUNCTION events_retention_renotice();
DROP INDEX tokens_expires_idx;
DROP INDEX mail_outbox_done_idx;
ALTER TABLE events
    DROP COLUMN retain_registrations,
    DROP COLUMN retention_notice_at,
    DROP COLUMN registrations_anonymised_at;
