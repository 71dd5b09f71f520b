-- Quotes (estimates), their items and taxes: the same shapes as invoices, so one
-- implementation (billing/documents) serves both.

CREATE TABLE quotes (
    id               BIGSERIAL PRIMARY KEY,
    business_id      BIGINT NOT NULL REFERENCES businesses (id),
    customer_id      BIGINT NOT NULL REFERENCES customers (id),
    number           TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'sent', 'viewed', 'accepted', 'rejected',
                                       'expired', 'invoiced')),
    currency         TEXT NOT NULL,
    issued_at        TIMESTAMPTZ NOT NULL,
    expires_at       TIMESTAMPTZ NOT NULL,
    summary          TEXT,
    notes            TEXT,
    discount_type    TEXT CHECK (discount_type IN ('percent', 'fixed')),
    discount_value   NUMERIC(28, 4),
    subtotal_cents   BIGINT NOT NULL DEFAULT 0,
    discount_cents   BIGINT NOT NULL DEFAULT 0,
    tax_total_cents  BIGINT NOT NULL DEFAULT 0,
    total_cents      BIGINT NOT NULL DEFAULT 0,
    emailed_at       TIMESTAMPTZ,
    viewed_at        TIMESTAMPTZ,
    accepted_at      TIMESTAMPTZ,
    rejected_at      TIMESTAMPTZ,
    expired_at       TIMESTAMPTZ,
    invoiced_at      TIMESTAMPTZ,
    invoice_id       BIGINT REFERENCES invoices (id),
    discarded_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT quotes_number_key UNIQUE (business_id, number),
    CONSTRAINT quotes_expiry_after_issue CHECK (expires_at >= issued_at)
);
CREATE TRIGGER quotes_updated_at BEFORE UPDATE ON quotes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX quotes_business_created_idx ON quotes (business_id, created_at, id);
CREATE INDEX quotes_business_issued_idx ON quotes (business_id, issued_at, id);
CREATE INDEX quotes_business_expires_idx ON quotes (business_id, expires_at, id);
CREATE INDEX quotes_business_total_idx ON quotes (business_id, total_cents, id);
CREATE INDEX quotes_business_status_idx ON quotes (business_id, status, id);
CREATE INDEX quotes_customer_idx ON quotes (customer_id, id);
CREATE INDEX quotes_number_search_idx ON quotes USING gin (number gin_trgm_ops);
-- The expiry sweep looks for sent or viewed quotes past their date.
CREATE INDEX quotes_open_expiry_idx ON quotes (expires_at) WHERE status IN ('sent', 'viewed');

CREATE TABLE quote_items (
    id            BIGSERIAL PRIMARY KEY,
    quote_id      BIGINT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT,
    quantity      NUMERIC(28, 4) NOT NULL,
    unit_price    NUMERIC(28, 4) NOT NULL,
    total_cents   BIGINT NOT NULL,
    tax_ids       BIGINT[] NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER quote_items_updated_at BEFORE UPDATE ON quote_items
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX quote_items_quote_idx ON quote_items (quote_id, position, id);

CREATE TABLE quote_taxes (
    id             BIGSERIAL PRIMARY KEY,
    quote_id       BIGINT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    tax_id         BIGINT NOT NULL REFERENCES taxes (id),
    tax_name       TEXT NOT NULL,
    tax_rate       NUMERIC(7, 4) NOT NULL,
    invoice_level  BOOLEAN NOT NULL,
    amount_cents   BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT quote_taxes_once UNIQUE (quote_id, tax_id)
);
CREATE TRIGGER quote_taxes_updated_at BEFORE UPDATE ON quote_taxes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
