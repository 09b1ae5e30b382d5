-- +migrate Up
-- The mail workers running now, by the claimer name they write into
-- mail_outbox.claimed_by. Each holds an advisory lock on that name for as
-- long as its database connection lives; the periodic claim recovery
-- (mail-claim-recovery) takes back the claims of a registered worker
-- whose lock is free: its process or host died, on any machine.
CREATE TABLE mail_workers (
    claimer    text PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now()
);

-- +migrate Down
DROP TABLE mail_workers;
