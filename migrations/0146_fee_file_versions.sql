-- +migrate Up
-- A run's bank file gets a version, raised by every revocation, erasure or
-- changed account that changes what the run collects; the run remembers
-- the version it last gave out. Marking a run submitted insists that the
-- bank got the file as it is now. Unlike the times of 0145, a version does
-- not depend on when a transaction started, so a change that began before
-- a download and committed after it is not taken for one already in the
-- file.
ALTER TABLE fee_runs ADD COLUMN file_version integer NOT NULL DEFAULT 0,
    ADD COLUMN downloaded_version integer;
-- The times could miss a change, so a run downloaded but not yet
-- submitted is downloaded once more before it can be.
UPDATE fee_runs SET downloaded_version = 0,
    file_version = CASE WHEN submitted_at IS NULL THEN 1 ELSE 0 END
    WHERE downloaded_at IS NOT NULL;
ALTER TABLE fees DROP COLUMN file_changed_at;

-- +migrate Down
ALTER TABLE fees ADD COLUMN file_changed_at timestamptz;
UPDATE fees f SET file_changed_at = now() FROM fee_runs r
    WHERE r.id = f.run_id AND r.downloaded_version IS DISTINCT FROM r.file_version AND r.downloaded_at IS NOT NULL;
ALTER TABLE fee_runs DROP COLUMN downloaded_version, DROP COLUMN file_version;
