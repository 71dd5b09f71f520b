-- Authorization codes (Doorkeeper's "access grants"), stored only as hashes. A code is
-- redeemed once: `used_at` is set in the transaction that issues its tokens, and
-- `family_id` names those tokens so a second use can revoke them.
CREATE TABLE oauth_access_grants (
    id              BIGSERIAL PRIMARY KEY,
    application_id  BIGINT NOT NULL REFERENCES oauth_applications (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    -- SHA-256 of the code, hex
    code_hash       TEXT NOT NULL UNIQUE,
    -- the redirect_uri exactly as registered and sent; the token request must repeat it
    redirect_uri    TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    -- PKCE S256 challenge in oxide-auth's encoding; NULL when none was sent
    code_challenge  TEXT,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ,
    family_id       UUID,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX oauth_access_grants_user_idx ON oauth_access_grants (user_id);

-- Failed sign-ins on the authorization page, counted per account and per client IP to
-- throttle password guessing. Rows older than the throttling window are pruned.
CREATE TABLE oauth_login_failures (
    id         BIGSERIAL PRIMARY KEY,
    -- lower-cased email as typed (the account may not exist)
    email      TEXT NOT NULL,
    ip         TEXT NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_login_failures_email_idx ON oauth_login_failures (email, failed_at);
CREATE INDEX oauth_login_failures_ip_idx ON oauth_login_failures (ip, failed_at);

-- Looking a refresh token's family up and revoking it are frequent.
CREATE INDEX oauth_access_tokens_refresh_live_idx ON oauth_access_tokens (family_id)
    WHERE revoked_at IS NULL;
