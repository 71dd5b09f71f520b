-- Overdue detection: when an invoice first became overdue (its `invoice.overdue` event is
-- recorded once, then), and the partial index the overdue sweep scans.
ALTER TABLE invoices ADD COLUMN overdue_at TIMESTAMPTZ;
CREATE INDEX invoices_overdue_candidates_idx ON invoices (due_at, id)
    WHERE status IN ('sent', 'viewed', 'partial') AND discarded_at IS NULL;
