-- no-transaction
-- Deleting a token looks up the newer token that names it (previous_token_id) to unlink
-- it: without this, every pruned token would scan the table.
CREATE INDEX CONCURRENTLY IF NOT EXISTS oauth_access_tokens_previous_idx
    ON oauth_access_tokens (previous_token_id) WHERE previous_token_id IS NOT NULL;
