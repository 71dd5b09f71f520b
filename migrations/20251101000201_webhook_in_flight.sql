-- At most WEBHOOK_IN_FLIGHT_PER_ENDPOINT deliveries to one endpoint at once, across
-- every worker process: a delivery holds one numbered slot while it runs. A slot whose
-- lease ran out (its worker died) is free to take again.
CREATE TABLE webhook_in_flight (
    endpoint_id  BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    slot         INTEGER NOT NULL,
    -- a random token of the run holding it, so only that run gives it back
    holder       UUID NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (endpoint_id, slot)
);
