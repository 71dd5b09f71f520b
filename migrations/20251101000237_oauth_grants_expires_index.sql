-- no-transaction
-- The retention sweep takes authorization codes expired before its cutoff.
CREATE INDEX CONCURRENTLY IF NOT EXISTS oauth_access_grants_expires_idx
    ON oauth_access_grants (expires_at);
