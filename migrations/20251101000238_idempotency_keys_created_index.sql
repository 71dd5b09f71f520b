-- no-transaction
-- The retention sweep takes the oldest keys across every business.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idempotency_keys_created_idx
    ON idempotency_keys (created_at);
