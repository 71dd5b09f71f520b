-- Webhook subscriptions and the log of every delivery attempt.
--
-- A business's endpoints receive its events (`enabled_events`, `*` for all). The
-- signing secret must be readable by the server (it signs with it), so it is stored as
-- issued; it is shown once, at creation or rotation, and never logged. After a rotation
-- the previous secret keeps signing alongside the new one until
-- `previous_secret_expires_at`.
CREATE TABLE webhook_endpoints (
    id                          BIGSERIAL PRIMARY KEY,
    business_id                 BIGINT NOT NULL REFERENCES businesses (id),
    url                         TEXT NOT NULL,
    enabled_events              TEXT[] NOT NULL,
    enabled                     BOOLEAN NOT NULL DEFAULT true,
    -- why the server turned it off (410 Gone, failing for days); cleared on re-enable
    disabled_reason             TEXT,
    secret                      TEXT NOT NULL,
    previous_secret             TEXT,
    previous_secret_expires_at  TIMESTAMPTZ,
    -- the first failed attempt since the last success: the "failing for days" clock
    failing_since               TIMESTAMPTZ,
    discarded_at                TIMESTAMPTZ,
    created_at                  TIMESTAMPTZ NOT NULL,
    updated_at                  TIMESTAMPTZ NOT NULL
);
CREATE TRIGGER webhook_endpoints_updated_at BEFORE UPDATE ON webhook_endpoints
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX webhook_endpoints_business_idx ON webhook_endpoints (business_id, created_at, id);
-- The fan-out every recorded event runs: the live, enabled endpoints of one business.
CREATE INDEX webhook_endpoints_fan_out_idx ON webhook_endpoints (business_id)
    WHERE enabled AND discarded_at IS NULL;

-- One row per attempt to deliver one event to one endpoint.
CREATE TABLE webhook_deliveries (
    id              BIGSERIAL PRIMARY KEY,
    business_id     BIGINT NOT NULL REFERENCES businesses (id),
    endpoint_id     BIGINT NOT NULL REFERENCES webhook_endpoints (id),
    event_id        TEXT NOT NULL REFERENCES events (id),
    attempt         INTEGER NOT NULL,
    -- the receiver's status, NULL when no answer came (refused, timeout, connection)
    status_code     INTEGER,
    duration_ms     INTEGER NOT NULL,
    error           TEXT,
    -- succeeded; retrying (another attempt at next_attempt_at); failed (no more)
    outcome         TEXT NOT NULL CHECK (outcome IN ('succeeded', 'retrying', 'failed')),
    next_attempt_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint_idx
    ON webhook_deliveries (endpoint_id, created_at, id);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (endpoint_id, event_id);
