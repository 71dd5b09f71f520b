-- Payment reminders of an invoice: `days` before, on or after its due date. The reminders
-- sweep claims due pending rows (FOR UPDATE SKIP LOCKED) and enqueues their email in the
-- same transaction, so each is sent once.
CREATE TABLE invoice_reminders (
    id            BIGSERIAL PRIMARY KEY,
    business_id   BIGINT NOT NULL REFERENCES businesses (id),
    invoice_id    BIGINT NOT NULL REFERENCES invoices (id),
    days          INTEGER NOT NULL CHECK (days BETWEEN 0 AND 3650),
    "when"        TEXT NOT NULL CHECK ("when" IN ('before_due', 'on_due', 'after_due')),
    message       TEXT,
    scheduled_at  TIMESTAMPTZ NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sent', 'skipped')),
    -- when the SMTP server accepted the reminder (set by the email job)
    sent_at       TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER invoice_reminders_updated_at BEFORE UPDATE ON invoice_reminders
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX invoice_reminders_invoice_idx ON invoice_reminders (invoice_id, id);
CREATE INDEX invoice_reminders_due_idx ON invoice_reminders (scheduled_at, id)
    WHERE status = 'pending';
