-- Credit notes carry what their invoice's lines and tax lines carry for e-invoices
-- (migration 310): each line's unit code, each tax line's VAT category and exemption
-- reason, as the invoice applied them.
ALTER TABLE credit_note_items
    ADD COLUMN unit_code TEXT NOT NULL DEFAULT 'C62' CHECK (unit_code ~ '^[A-Z0-9]{1,3}$');
ALTER TABLE credit_note_taxes
    ADD COLUMN category TEXT NOT NULL DEFAULT 'S',
    ADD COLUMN exemption_reason TEXT,
    ADD COLUMN exemption_reason_code TEXT;
