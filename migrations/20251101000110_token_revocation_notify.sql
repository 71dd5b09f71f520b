-- Serving processes cache verified bearer tokens for a few seconds (src/auth/cache.rs).
-- Any change that can end a token's life (revoked, refreshed, expiry or scopes changed,
-- deleted, its user moved) notifies them at commit, whoever makes it, so every process
-- forgets its cached tokens at once.
CREATE FUNCTION notify_token_revoked() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('koteshen_token_revoked', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER oauth_access_tokens_revoked
    AFTER UPDATE OF revoked_at, refreshed_at, expires_at, scopes, user_id, token_hash
    ON oauth_access_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION notify_token_revoked();
CREATE TRIGGER oauth_access_tokens_deleted
    AFTER DELETE ON oauth_access_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION notify_token_revoked();
CREATE TRIGGER users_moved
    AFTER UPDATE OF business_id ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_token_revoked();
