-- no-transaction
-- The retention sweep takes the oldest finished (done or dead) jobs; live ones never.
CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_finished_idx ON jobs (finished_at)
    WHERE status IN ('done', 'dead');
