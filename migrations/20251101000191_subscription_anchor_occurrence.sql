-- A changed schedule (frequency, interval or starts_at) starts its occurrences anew from
-- its starts_at while run numbers keep counting up (recurring_runs stays unique per
-- subscription and number): run N falls at starts_at + (N - anchor_occurrence) periods.
ALTER TABLE invoice_subscriptions ADD COLUMN anchor_occurrence INTEGER NOT NULL DEFAULT 0
    CHECK (anchor_occurrence >= 0);
