-- The dashboard's sign-in sessions (issue 23): server-side rows, the browser holding only
-- a random token whose SHA-256 is stored here. A session ends when it is idle too long
-- (last_seen_at), when it reaches its absolute expiry, when its user signs out (this one)
-- or signs out everywhere (all of theirs), or when the password changes.
CREATE TABLE dashboard_sessions (
    id            BIGSERIAL PRIMARY KEY,
    token_hash    TEXT NOT NULL UNIQUE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The synchronizer token every form of this session carries (not a credential alone:
    -- it is useless without the cookie).
    csrf_token    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX dashboard_sessions_user_idx ON dashboard_sessions (user_id);
CREATE INDEX dashboard_sessions_expires_idx ON dashboard_sessions (expires_at);
