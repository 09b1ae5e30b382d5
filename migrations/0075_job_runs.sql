-- +migrate Up
-- When each periodic job last finished, so that a daily job runs once a day
-- across all instances, and a run cut short by a crash (no finished_at
-- written) is run again by whichever instance looks next.
CREATE TABLE job_runs (
    name        text PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz
);

-- +migrate Down
DROP TABLE job_runs;
