-- +migrate Up
-- The day a member left. Before, only the audit log knew it; persons who
-- left before it was kept get the day the log records, where it does
-- (NULL for those imported from the old system, which kept none).
ALTER TABLE persons ADD COLUMN leaving_date date;
UPDATE persons p SET leaving_date = (
    SELECT (max(a.at) AT TIME ZONE 'Europe/Berlin')::date FROM audit_log a
    WHERE a.table_name = 'persons' AND a.row_id = p.id::text
      AND a.field = 'membership_status' AND a.new_value = 'canceled')
WHERE p.membership_status = 'canceled';

-- +migrate Down
ALTER TABLE persons DROP COLUMN leaving_date;
