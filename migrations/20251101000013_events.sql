-- The business's event log: one row per change a webhook subscriber (or an integration
-- reconciling what it missed) may want to know about. Written in the same transaction as
-- the change, so a committed change always has its events and a rolled-back one never does.
--
-- `id` is an opaque string (`evt_` + 32 hex digits of a random UUID): it is the payload's
-- `id` and the Standard Webhooks `webhook-id`, must be unique across every business, and
-- must not reveal how many events other businesses have. `seq` gives the log a stable
-- order among events of the same instant (the insertion order), for paging and cursors.
CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    seq          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    business_id  BIGINT NOT NULL REFERENCES businesses (id),
    type         TEXT NOT NULL,
    -- the resource as the API shows it at the moment of the change
    data         JSONB NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_business_created_idx ON events (business_id, created_at, seq);
CREATE INDEX events_business_type_idx ON events (business_id, type, created_at, seq);
