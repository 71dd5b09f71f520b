-- Recurring invoices: a schedule on a template invoice. Occurrence N runs at
-- starts_at + N periods (in the business's time zone, month ends clamped), and makes
-- one invoice, recorded in `recurring_runs` in the same transaction: the unique
-- (subscription_id, occurrence) row is what makes "one invoice per period" hold even
-- with two workers.
CREATE TABLE invoice_subscriptions (
    id                 BIGSERIAL PRIMARY KEY,
    business_id        BIGINT NOT NULL REFERENCES businesses (id),
    invoice_id         BIGINT NOT NULL REFERENCES invoices (id),
    frequency          TEXT NOT NULL
                       CHECK (frequency IN ('daily', 'weekly', 'monthly', 'quarterly', 'yearly')),
    "interval"         INTEGER NOT NULL DEFAULT 1 CHECK ("interval" BETWEEN 1 AND 1000),
    starts_at          TIMESTAMPTZ NOT NULL,
    ends_at            TIMESTAMPTZ,
    max_occurrences    INTEGER CHECK (max_occurrences >= 1),
    auto_send          BOOLEAN NOT NULL DEFAULT FALSE,
    status             TEXT NOT NULL DEFAULT 'active'
                       CHECK (status IN ('active', 'paused', 'completed')),
    -- the index N of the next run (starts_at + N periods) and its time; NULL once completed
    next_occurrence    INTEGER NOT NULL DEFAULT 0,
    next_run_at        TIMESTAMPTZ,
    -- invoices made so far
    occurrences_count  INTEGER NOT NULL DEFAULT 0,
    -- DELETE cancels: the row stays for its runs' sake, and shows nowhere
    cancelled_at       TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER invoice_subscriptions_updated_at BEFORE UPDATE ON invoice_subscriptions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE UNIQUE INDEX invoice_subscriptions_one_live_idx ON invoice_subscriptions (invoice_id)
    WHERE cancelled_at IS NULL;
CREATE INDEX invoice_subscriptions_due_idx ON invoice_subscriptions (next_run_at, id)
    WHERE status = 'active' AND cancelled_at IS NULL;

CREATE TABLE recurring_runs (
    subscription_id  BIGINT NOT NULL REFERENCES invoice_subscriptions (id),
    -- 0 for the run at starts_at
    occurrence       INTEGER NOT NULL,
    invoice_id       BIGINT NOT NULL REFERENCES invoices (id),
    scheduled_at     TIMESTAMPTZ NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscription_id, occurrence)
);
