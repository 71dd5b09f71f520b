-- Document numbers: INV-0001, QOT-0001, … per business and kind, gap-free.

-- The business's numbering settings: the number is prefix + counter, zero-padded to at
-- least number_padding digits.
ALTER TABLE businesses
    ADD COLUMN invoice_prefix  TEXT NOT NULL DEFAULT 'INV-',
    ADD COLUMN quote_prefix    TEXT NOT NULL DEFAULT 'QOT-',
    ADD COLUMN number_padding  INTEGER NOT NULL DEFAULT 4
        CHECK (number_padding >= 0 AND number_padding <= 20);

-- The last number handed out, per business and kind. Taking a number updates the row,
-- which stays locked until the taking transaction ends: a rollback gives the number back
-- and a concurrent taker waits, so numbers are never skipped nor shared.
CREATE TABLE document_counters (
    business_id  BIGINT NOT NULL REFERENCES businesses (id),
    kind         TEXT NOT NULL CHECK (kind IN ('invoice', 'quote')),
    last_value   BIGINT NOT NULL CHECK (last_value > 0),
    PRIMARY KEY (business_id, kind)
);
