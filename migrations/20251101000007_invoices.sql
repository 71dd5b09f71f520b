-- Invoices, their items and taxes, and the payments against them.
-- Amounts are integer minor units (cents) of the document's currency; inputs that are
-- decimals (quantity, unit price, discount value, tax rate) are kept as entered.

CREATE TABLE invoices (
    id               BIGSERIAL PRIMARY KEY,
    business_id      BIGINT NOT NULL REFERENCES businesses (id),
    customer_id      BIGINT NOT NULL REFERENCES customers (id),
    number           TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'sent', 'viewed', 'partial', 'paid',
                                       'overdue', 'void')),
    currency         TEXT NOT NULL,
    issued_at        TIMESTAMPTZ NOT NULL,
    due_at           TIMESTAMPTZ NOT NULL,
    payment_term_id  BIGINT REFERENCES payment_terms (id),
    notes            TEXT,
    discount_type    TEXT CHECK (discount_type IN ('percent', 'fixed')),
    discount_value   NUMERIC(28, 4),
    subtotal_cents   BIGINT NOT NULL DEFAULT 0,
    discount_cents   BIGINT NOT NULL DEFAULT 0,
    tax_total_cents  BIGINT NOT NULL DEFAULT 0,
    total_cents      BIGINT NOT NULL DEFAULT 0,
    paid_cents       BIGINT NOT NULL DEFAULT 0,
    balance_cents    BIGINT GENERATED ALWAYS AS (total_cents - paid_cents) STORED,
    paid             BOOLEAN NOT NULL DEFAULT FALSE,
    emailed_at       TIMESTAMPTZ,
    viewed_at        TIMESTAMPTZ,
    voided_at        TIMESTAMPTZ,
    paid_at          TIMESTAMPTZ,
    discarded_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT invoices_number_key UNIQUE (business_id, number),
    CONSTRAINT invoices_paid_not_above_total CHECK (paid_cents >= 0 AND paid_cents <= total_cents)
);
CREATE TRIGGER invoices_updated_at BEFORE UPDATE ON invoices
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX invoices_business_created_idx ON invoices (business_id, created_at, id);
CREATE INDEX invoices_business_issued_idx ON invoices (business_id, issued_at, id);
CREATE INDEX invoices_business_due_idx ON invoices (business_id, due_at, id);
CREATE INDEX invoices_business_total_idx ON invoices (business_id, total_cents, id);
CREATE INDEX invoices_business_status_idx ON invoices (business_id, status, id);
CREATE INDEX invoices_customer_idx ON invoices (customer_id, id);
CREATE INDEX invoices_number_search_idx ON invoices USING gin (number gin_trgm_ops);

CREATE TABLE invoice_items (
    id            BIGSERIAL PRIMARY KEY,
    invoice_id    BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT,
    quantity      NUMERIC(28, 4) NOT NULL,
    unit_price    NUMERIC(28, 4) NOT NULL,
    total_cents   BIGINT NOT NULL,
    -- item-level taxes (ids of `taxes`)
    tax_ids       BIGINT[] NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER invoice_items_updated_at BEFORE UPDATE ON invoice_items
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX invoice_items_invoice_idx ON invoice_items (invoice_id, position, id);

-- One row per tax applied to the invoice, with its name and rate as they were when
-- applied, so renaming a tax later does not rewrite old invoices.
CREATE TABLE invoice_taxes (
    id             BIGSERIAL PRIMARY KEY,
    invoice_id     BIGINT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    tax_id         BIGINT NOT NULL REFERENCES taxes (id),
    tax_name       TEXT NOT NULL,
    tax_rate       NUMERIC(7, 4) NOT NULL,
    -- true: applies to the whole invoice; false: only to items that name it
    invoice_level  BOOLEAN NOT NULL,
    amount_cents   BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT invoice_taxes_once UNIQUE (invoice_id, tax_id)
);
CREATE TRIGGER invoice_taxes_updated_at BEFORE UPDATE ON invoice_taxes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE payments (
    id              BIGSERIAL PRIMARY KEY,
    business_id     BIGINT NOT NULL REFERENCES businesses (id),
    invoice_id      BIGINT REFERENCES invoices (id),
    customer_id     BIGINT REFERENCES customers (id),
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    currency        TEXT NOT NULL,
    paid_at         TIMESTAMPTZ NOT NULL,
    payment_method  TEXT NOT NULL DEFAULT 'other'
                    CHECK (payment_method IN ('cash', 'bank_transfer', 'card', 'check', 'other')),
    reference       TEXT,
    notes           TEXT,
    discarded_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER payments_updated_at BEFORE UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX payments_business_paid_idx ON payments (business_id, paid_at, id);
CREATE INDEX payments_business_created_idx ON payments (business_id, created_at, id);
CREATE INDEX payments_business_amount_idx ON payments (business_id, amount_cents, id);
CREATE INDEX payments_invoice_idx ON payments (invoice_id, paid_at, id);
CREATE INDEX payments_customer_idx ON payments (customer_id, paid_at, id);
