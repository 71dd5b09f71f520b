-- no-transaction
-- The retention sweep looks at tokens expired before its cutoff (every spent token has).
CREATE INDEX CONCURRENTLY IF NOT EXISTS oauth_access_tokens_expires_idx
    ON oauth_access_tokens (expires_at);
