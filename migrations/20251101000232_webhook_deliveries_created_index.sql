-- no-transaction
-- The retention sweep takes the oldest delivery attempts across every endpoint.
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_created_idx
    ON webhook_deliveries (created_at);
