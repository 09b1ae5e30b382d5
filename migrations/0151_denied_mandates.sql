-- +migrate Up
-- A mandate given with an application the board then denied was never
-- to be used, and standing it kept the person (and their sealed account)
-- from the retention's deletion. Denying now revokes it; those denied
-- before are revoked here, without a mail (it told of nothing they had
-- to do), and the log says so. Only applicants: denied from an
-- application (the log's last change of their status came from
-- "pending"), or never a member (no joining date). A member set to
-- "denied" as a correction keeps theirs, and so does one whose mandate a
-- run not yet at the bank collects from (the board settles that by hand,
-- as a revocation would withdraw it).
WITH revoked AS (
    UPDATE sepa_mandates m SET revoked_at = now(), updated_at = now()
    FROM persons p
    WHERE p.id = m.person_id AND p.membership_status = 'denied'
      AND (p.joining_date IS NULL OR (
          SELECT a.old_value FROM audit_log a
          WHERE a.table_name = 'persons' AND a.row_id = p.id::text AND a.field = 'membership_status'
          ORDER BY a.at DESC, a.id DESC LIMIT 1) = 'pending')
      AND m.revoked_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM fees f JOIN fee_runs r ON r.id = f.run_id
                      WHERE f.mandate_id = m.id AND r.submitted_at IS NULL)
    RETURNING m.id)
INSERT INTO audit_log (actor, table_name, row_id, field, new_value)
SELECT 'system', 'sepa_mandates', id::text, 'revoked_at', 'revoked' FROM revoked;

-- +migrate Down
SELECT 1;
