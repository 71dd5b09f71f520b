-- no-transaction
-- An event is pruned only once no delivery attempt logs it: the attempts of one event,
-- across endpoints (also what the foreign key checks on every event deleted).
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_event_id_idx
    ON webhook_deliveries (event_id);
