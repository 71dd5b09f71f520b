-- RATE_LIMIT_STORE=postgres (issue 25): one budget across every server process.
-- UNLOGGED: counters live a minute, so they skip the WAL; a database crash empties the
-- table (every budget starts whole again) and replicas do not carry it.
CREATE UNLOGGED TABLE rate_limit_counters (
    key           TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    hits          BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
