-- +migrate Up
-- A mandate given with an application the board then denied was never
-- to be used, and standing it kept the person (and their sealed account)
-- from the retention's deletion. Denying now revokes it; those denied
-- before are revoked here, without a mail (it told of nothing they had
-- to do), and the log says so.
WITH revoked AS (
    UPDATE sepa_mandates m SET revoked_at = now(), updated_at = now()
    FROM persons p
    WHERE p.id = m.person_id AND p.membership_status = 'denied' AND m.revoked_at IS NULL
    RETURNING m.id)
INSERT INTO audit_log (actor, table_name, row_id, field, new_value)
SELECT 'system', 'sepa_mandates', id::text, 'revoked_at', 'revoked' FROM revoked;

-- +migrate Down
SELECT 1;
