-- The token cache (src/auth/cache.rs) forgets only the tokens a change ends, not all of
-- them: one client refreshing in a loop no longer empties every process's cache. Each
-- notification names the row whose token it ends (`token:<id>`), or the user whose
-- tokens all changed business (`user:<id>`): never a token, nor its hash. A
-- notification without a payload still means "forget everything".
DROP TRIGGER oauth_access_tokens_revoked ON oauth_access_tokens;
DROP TRIGGER oauth_access_tokens_deleted ON oauth_access_tokens;
DROP TRIGGER users_moved ON users;
DROP FUNCTION notify_token_revoked();

CREATE FUNCTION notify_token_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('koteshen_token_revoked', 'token:' || OLD.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION notify_user_tokens_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('koteshen_token_revoked', 'user:' || OLD.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Revoked, refreshed, expiry or scopes changed, moved to another user, re-hashed.
CREATE TRIGGER oauth_access_tokens_revoked
    AFTER UPDATE OF revoked_at, refreshed_at, expires_at, scopes, user_id, token_hash
    ON oauth_access_tokens
    FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
          OR OLD.refreshed_at IS DISTINCT FROM NEW.refreshed_at
          OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
          OR OLD.scopes IS DISTINCT FROM NEW.scopes
          OR OLD.user_id IS DISTINCT FROM NEW.user_id
          OR OLD.token_hash IS DISTINCT FROM NEW.token_hash)
    EXECUTE FUNCTION notify_token_changed();
-- A revoked row was announced when it was revoked; pruning it says nothing new.
CREATE TRIGGER oauth_access_tokens_deleted
    AFTER DELETE ON oauth_access_tokens
    FOR EACH ROW
    WHEN (OLD.revoked_at IS NULL)
    EXECUTE FUNCTION notify_token_changed();
CREATE TRIGGER users_moved
    AFTER UPDATE OF business_id ON users
    FOR EACH ROW
    WHEN (OLD.business_id IS DISTINCT FROM NEW.business_id)
    EXECUTE FUNCTION notify_user_tokens_changed();
