-- +migrate Up
-- A run follows revocations and account changes until it is marked
-- submitted, but its file may already be at the bank once downloaded: the
-- run remembers its last download and each fee when its part of the file
-- changed, so the run's page can say the downloaded file is stale.
ALTER TABLE fee_runs ADD COLUMN downloaded_at timestamptz;
ALTER TABLE fees ADD COLUMN file_changed_at timestamptz;

-- +migrate Down
ALTER TABLE fees DROP COLUMN file_changed_at;
ALTER TABLE fee_runs DROP COLUMN downloaded_at;
