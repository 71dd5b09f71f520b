-- An endpoint's circuit breaker: the failed attempts in a row since its last success,
-- and, once they reach WEBHOOK_BREAKER_FAILURES, until when its deliveries wait (then
-- one probe is tried; a success closes it).
ALTER TABLE webhook_endpoints
    ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN breaker_open_until TIMESTAMPTZ;
