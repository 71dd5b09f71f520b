-- The business a job works for (NULL for work of no one business), so that claims can
-- share a process's workers fairly: a business with fewer jobs running goes first, and
-- none holds more than WORKER_JOBS_PER_BUSINESS of them.
ALTER TABLE jobs ADD COLUMN business_id BIGINT;
-- A claim counts the running jobs of its own process per business.
CREATE INDEX jobs_running_by_worker_idx ON jobs (locked_by, business_id)
    WHERE status = 'running';
-- The claim walks the businesses with queued jobs (a skip scan) and takes each one's
-- oldest due job, so its cost follows the number of businesses waiting, not the length
-- of one business's backlog; an endpoint's held deliveries are found by it too.
CREATE INDEX jobs_queued_business_idx ON jobs (business_id, run_at, id)
    WHERE status = 'queued';
