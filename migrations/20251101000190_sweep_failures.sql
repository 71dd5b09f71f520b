-- The rows a sweep failed on (overdue, recurring, reminders, quote expiry): each failure
-- is logged, the row skipped for the rest of that sweep and backed off until retry_at,
-- so one poison row never halts a sweep for everyone nor heads every sweep. `row_id` is
-- the row's id in that sweep's table; business_id is for the operator reading this.
-- A success deletes the row; one left by a row that stopped being due is pruned.
CREATE TABLE sweep_failures (
    sweep        TEXT NOT NULL,
    row_id       BIGINT NOT NULL,
    business_id  BIGINT NOT NULL,
    attempts     INTEGER NOT NULL CHECK (attempts >= 1),
    last_error   TEXT NOT NULL,
    failed_at    TIMESTAMPTZ NOT NULL,
    retry_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sweep, row_id)
);
CREATE INDEX sweep_failures_retry_idx ON sweep_failures (sweep, retry_at);
