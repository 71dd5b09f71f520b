-- no-transaction
-- The retention sweep takes the oldest events across every business (jobs::prune).
-- CONCURRENTLY: the log is large and written by every change; it must not be blocked.
CREATE INDEX CONCURRENTLY IF NOT EXISTS events_created_idx ON events (created_at);
