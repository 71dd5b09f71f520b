-- OAuth applications (clients) and the access/refresh tokens issued to them.
-- Secrets, tokens and codes are stored only as hashes.
CREATE TABLE oauth_applications (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    -- client_id
    uid             TEXT NOT NULL UNIQUE,
    -- argon2id PHC string; NULL for public clients
    secret_hash     TEXT,
    confidential    BOOLEAN NOT NULL DEFAULT TRUE,
    -- exact-match redirect URIs
    redirect_uris   TEXT[] NOT NULL DEFAULT '{}',
    -- space-separated allowed scopes
    scopes          TEXT NOT NULL DEFAULT 'read write',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER oauth_applications_updated_at BEFORE UPDATE ON oauth_applications
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One row per access token. A refresh issues a new row in the same family; the family
-- is what the rate limit counts and what reuse of a rotated refresh token revokes.
CREATE TABLE oauth_access_tokens (
    id                  BIGSERIAL PRIMARY KEY,
    family_id           UUID NOT NULL,
    application_id      BIGINT NOT NULL REFERENCES oauth_applications (id),
    user_id             BIGINT NOT NULL REFERENCES users (id),
    -- SHA-256 of the token, hex
    token_hash          TEXT NOT NULL UNIQUE,
    refresh_token_hash  TEXT UNIQUE,
    scopes              TEXT NOT NULL,
    expires_at          TIMESTAMPTZ NOT NULL,
    revoked_at          TIMESTAMPTZ,
    -- set when its refresh token has been exchanged for a new pair
    refreshed_at        TIMESTAMPTZ,
    previous_token_id   BIGINT REFERENCES oauth_access_tokens (id),
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX oauth_access_tokens_family_idx ON oauth_access_tokens (family_id);
CREATE INDEX oauth_access_tokens_user_idx ON oauth_access_tokens (user_id);
