-- The customer's page of a sent invoice or quote (`billing::links`): one live link per
-- document, reached only by its token. The token is HMAC-SHA256(the deployment's link
-- key, nonce): the row keeps the nonce (so the API can show the same URL again) and the
-- token's SHA-256 (what a request is looked up by), never the token itself.
CREATE TABLE document_links (
    id                BIGSERIAL PRIMARY KEY,
    business_id       BIGINT NOT NULL REFERENCES businesses (id),
    document_kind     TEXT NOT NULL CHECK (document_kind IN ('invoice', 'quote')),
    document_id       BIGINT NOT NULL,
    nonce             BYTEA NOT NULL CHECK (length(nonce) = 32),
    token_hash        BYTEA NOT NULL CHECK (length(token_hash) = 32),
    created_at        TIMESTAMPTZ NOT NULL,
    revoked_at        TIMESTAMPTZ,
    -- the first human open through this link
    viewed_at         TIMESTAMPTZ,
    -- a quote accepted or declined on the page, with what the customer wrote
    responded_at      TIMESTAMPTZ,
    responder_name    TEXT CHECK (length(responder_name) <= 200),
    responder_comment TEXT CHECK (length(responder_comment) <= 2000)
);

CREATE UNIQUE INDEX document_links_token_idx ON document_links (token_hash);
-- At most one live link per document; the views read it by this index.
CREATE UNIQUE INDEX document_links_live_idx
    ON document_links (business_id, document_kind, document_id)
    WHERE revoked_at IS NULL;

-- The link key when `LINK_SECRET` is unset: generated once by the first server to start,
-- kept here so every process of the deployment derives the same tokens.
CREATE TABLE link_secret (
    singleton  BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    secret     BYTEA NOT NULL CHECK (length(secret) = 32),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
