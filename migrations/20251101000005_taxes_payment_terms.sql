-- Taxes and payment terms: per-business catalogues that invoices and quotes reference
-- (`tax_id`, `payment_term_id`). Soft-deleted, so documents keep showing them.

CREATE TABLE taxes (
    id            BIGSERIAL PRIMARY KEY,
    business_id   BIGINT NOT NULL REFERENCES businesses (id),
    name          TEXT NOT NULL,
    -- A percentage, 0 to 100, at most 4 decimal places (money::check_percent).
    rate          NUMERIC(7, 4) NOT NULL CHECK (rate >= 0 AND rate <= 100),
    -- Applied to a new invoice or quote that names no taxes.
    is_default    BOOLEAN NOT NULL DEFAULT FALSE,
    discarded_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER taxes_updated_at BEFORE UPDATE ON taxes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Lists are scoped to a business and sorted with ties broken by id.
CREATE INDEX taxes_business_name_idx ON taxes (business_id, name, id);
CREATE INDEX taxes_business_rate_idx ON taxes (business_id, rate, id);
CREATE INDEX taxes_business_created_idx ON taxes (business_id, created_at, id);
-- The live defaults of a business (taxes::defaults, and the is_default filter).
CREATE INDEX taxes_business_default_idx ON taxes (business_id, id)
    WHERE is_default AND discarded_at IS NULL;
CREATE INDEX taxes_search_idx ON taxes USING gin (name gin_trgm_ops);

CREATE TABLE payment_terms (
    id            BIGSERIAL PRIMARY KEY,
    business_id   BIGINT NOT NULL REFERENCES businesses (id),
    name          TEXT NOT NULL,
    -- Whole days from issue to due.
    value         INTEGER NOT NULL CHECK (value >= 0 AND value <= 3650),
    discarded_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER payment_terms_updated_at BEFORE UPDATE ON payment_terms
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE INDEX payment_terms_business_name_idx ON payment_terms (business_id, name, id);
CREATE INDEX payment_terms_business_value_idx ON payment_terms (business_id, value, id);
CREATE INDEX payment_terms_business_created_idx ON payment_terms (business_id, created_at, id);
CREATE INDEX payment_terms_search_idx ON payment_terms USING gin (name gin_trgm_ops);
