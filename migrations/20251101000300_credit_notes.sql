-- Credit notes (issue 21 §2): an issued invoice is corrected by a credit note, never
-- edited. A credit note credits the whole remainder, chosen lines and quantities, or an
-- amount (`money::credit`); its lines and tax lines keep the invoice's prices and the
-- taxes' rates as the invoice applied them.

-- Their own gap-free series, CN-0001, …, with the invoices' padding.
ALTER TABLE businesses ADD COLUMN credit_note_prefix TEXT NOT NULL DEFAULT 'CN-';
ALTER TABLE document_counters DROP CONSTRAINT document_counters_kind_check;
ALTER TABLE document_counters ADD CONSTRAINT document_counters_kind_check
    CHECK (kind IN ('invoice', 'quote', 'credit_note'));
ALTER TABLE document_links DROP CONSTRAINT document_links_document_kind_check;
ALTER TABLE document_links ADD CONSTRAINT document_links_document_kind_check
    CHECK (document_kind IN ('invoice', 'quote', 'credit_note'));

CREATE TABLE credit_notes (
    id                     BIGSERIAL PRIMARY KEY,
    business_id            BIGINT NOT NULL REFERENCES businesses (id),
    invoice_id             BIGINT NOT NULL REFERENCES invoices (id),
    customer_id            BIGINT NOT NULL REFERENCES customers (id),
    number                 TEXT NOT NULL,
    -- issued, then sent once emailed to the customer.
    status                 TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'sent')),
    currency               TEXT NOT NULL,
    issued_at              TIMESTAMPTZ NOT NULL,
    reason                 TEXT,
    -- The discount as credited: the invoice's percentage, or the amount credited.
    discount_type          TEXT CHECK (discount_type IN ('percent', 'fixed')),
    discount_value         NUMERIC(28, 4),
    subtotal_cents         BIGINT NOT NULL,
    discount_cents         BIGINT NOT NULL,
    tax_total_cents        BIGINT NOT NULL,
    total_cents            BIGINT NOT NULL CHECK (total_cents > 0),
    -- The part of the total the invoice's balance could not take (it was paid): it went
    -- to the customer's credit balance.
    customer_credit_cents  BIGINT NOT NULL DEFAULT 0
                           CHECK (customer_credit_cents >= 0 AND customer_credit_cents <= total_cents),
    emailed_at             TIMESTAMPTZ,
    viewed_at              TIMESTAMPTZ,
    -- Never set: a credit note is a legal record (kept for the documents' shared reads).
    discarded_at           TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL,
    created_by             JSONB,
    sent_at                TIMESTAMPTZ,
    sent_by                JSONB,
    CONSTRAINT credit_notes_number_key UNIQUE (business_id, number)
);
CREATE TRIGGER credit_notes_updated_at BEFORE UPDATE ON credit_notes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX credit_notes_business_issued_idx ON credit_notes (business_id, issued_at, id);
CREATE INDEX credit_notes_business_created_idx ON credit_notes (business_id, created_at, id);
CREATE INDEX credit_notes_business_total_idx ON credit_notes (business_id, total_cents, id);
CREATE INDEX credit_notes_business_status_idx ON credit_notes (business_id, status, id);
CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id, id);
CREATE INDEX credit_notes_customer_idx ON credit_notes (customer_id, id);
CREATE INDEX credit_notes_number_search_idx ON credit_notes USING gin (number gin_trgm_ops);

CREATE FUNCTION stamp_credit_note_actors() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_by := coalesce(NEW.created_by, current_actor());
    ELSIF OLD.status = 'issued' AND NEW.status = 'sent' AND NEW.sent_by IS NULL THEN
        NEW.sent_by := current_actor();
        NEW.sent_at := NEW.updated_at;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credit_notes_actors BEFORE INSERT OR UPDATE OF status ON credit_notes
    FOR EACH ROW EXECUTE FUNCTION stamp_credit_note_actors();

CREATE TABLE credit_note_items (
    id               BIGSERIAL PRIMARY KEY,
    credit_note_id   BIGINT NOT NULL REFERENCES credit_notes (id) ON DELETE CASCADE,
    -- The invoice line credited; null for an amount credit's one line.
    invoice_item_id  BIGINT REFERENCES invoice_items (id),
    position         INTEGER NOT NULL,
    name             TEXT NOT NULL,
    description      TEXT,
    quantity         NUMERIC(28, 4) NOT NULL,
    unit_price       NUMERIC(28, 4) NOT NULL,
    total_cents      BIGINT NOT NULL,
    tax_ids          BIGINT[] NOT NULL DEFAULT '{}',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX credit_note_items_note_idx ON credit_note_items (credit_note_id, position, id);
CREATE INDEX credit_note_items_invoice_item_idx ON credit_note_items (invoice_item_id);

CREATE TABLE credit_note_taxes (
    id               BIGSERIAL PRIMARY KEY,
    credit_note_id   BIGINT NOT NULL REFERENCES credit_notes (id) ON DELETE CASCADE,
    tax_id           BIGINT NOT NULL REFERENCES taxes (id),
    tax_name         TEXT NOT NULL,
    tax_rate         NUMERIC(7, 4) NOT NULL,
    inclusive        BOOLEAN NOT NULL,
    invoice_level    BOOLEAN NOT NULL,
    amount_cents     BIGINT NOT NULL CHECK (amount_cents >= 0),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    CONSTRAINT credit_note_taxes_once UNIQUE (credit_note_id, tax_id)
);

-- An invoice's balance: its total less what was paid (payments less refunds), credited
-- (its credit notes) and applied from the customer's credit balance; never below 0
-- (what a credit note takes off a paid invoice goes to the customer's credit balance).
ALTER TABLE invoices
    ADD COLUMN credited_cents BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN credit_applied_cents BIGINT NOT NULL DEFAULT 0,
    -- What was settled on it beyond its total less its credit notes, as last settled:
    -- held in the customer's credit balance (`billing::settlement` moves the difference).
    ADD COLUMN overpaid_cents BIGINT NOT NULL DEFAULT 0 CHECK (overpaid_cents >= 0),
    ADD CONSTRAINT invoices_credited_within_total
        CHECK (credited_cents >= 0 AND credited_cents <= total_cents),
    ADD CONSTRAINT invoices_credit_applied_within_total
        CHECK (credit_applied_cents >= 0 AND credit_applied_cents <= total_cents);
DROP INDEX invoices_business_balance_idx;
ALTER TABLE invoices DROP COLUMN balance_cents;
ALTER TABLE invoices ADD COLUMN balance_cents BIGINT GENERATED ALWAYS AS
    (greatest(total_cents - paid_cents - credited_cents - credit_applied_cents, 0)) STORED;
CREATE INDEX invoices_business_balance_idx ON invoices (business_id, balance_cents, id);

-- A customer's credit balance per currency: what credit notes took off paid invoices,
-- less what refunds paid out and later invoices consumed. Kept by `billing::settlement`
-- and `billing::credit_notes::apply` with the invoice row locked first, then this row;
-- the CHECK is the last line against spending more than there is.
CREATE TABLE customer_credits (
    business_id    BIGINT NOT NULL REFERENCES businesses (id),
    customer_id    BIGINT NOT NULL REFERENCES customers (id),
    currency       TEXT NOT NULL,
    balance_cents  BIGINT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (customer_id, currency),
    CONSTRAINT customer_credits_not_negative CHECK (balance_cents >= 0)
);

-- Credit applied from a customer's credit balance to an invoice (`apply_credit`):
-- append-only, with who did it.
CREATE TABLE credit_applications (
    id            BIGSERIAL PRIMARY KEY,
    business_id   BIGINT NOT NULL REFERENCES businesses (id),
    customer_id   BIGINT NOT NULL REFERENCES customers (id),
    invoice_id    BIGINT NOT NULL REFERENCES invoices (id),
    amount_cents  BIGINT NOT NULL CHECK (amount_cents > 0),
    currency      TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    JSONB NOT NULL DEFAULT current_actor()
);
CREATE INDEX credit_applications_invoice_idx ON credit_applications (invoice_id, id);
