-- Idempotency keys of POST requests (`Idempotency-Key`), per business, kept 24 hours.
-- A row is claimed (status NULL) before the handler runs and completed with the response
-- it gave, which later requests with the same key and body are answered with.
CREATE TABLE idempotency_keys (
    business_id    BIGINT NOT NULL REFERENCES businesses (id),
    key            TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 of the method, path and body: the same key with another request is refused
    request_hash   BYTEA NOT NULL,
    -- NULL while the first request runs
    status         SMALLINT,
    location       TEXT,
    content_type   TEXT,
    body           BYTEA,
    created_at     TIMESTAMPTZ NOT NULL,
    completed_at   TIMESTAMPTZ,
    PRIMARY KEY (business_id, key)
);
-- Expired keys are deleted per business as new ones are claimed.
CREATE INDEX idempotency_keys_business_created_idx ON idempotency_keys (business_id, created_at);
