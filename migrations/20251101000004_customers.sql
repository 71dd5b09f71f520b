-- Trigram indexes make the `q` search (ILIKE '%term%') an index scan.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE customers (
    id              BIGSERIAL PRIMARY KEY,
    business_id     BIGINT NOT NULL REFERENCES businesses (id),
    name            TEXT NOT NULL,
    company         TEXT,
    customer_type   TEXT NOT NULL DEFAULT 'business'
                    CHECK (customer_type IN ('business', 'individual')),
    email           TEXT,
    phone           TEXT,
    phone_country   TEXT,
    -- ISO 4217, upper-case
    currency        TEXT,
    website         TEXT,
    notes           TEXT,
    address_id      BIGINT REFERENCES addresses (id),
    discarded_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER customers_updated_at BEFORE UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Every list is scoped to a business and sorted with ties broken by id.
CREATE INDEX customers_business_name_idx ON customers (business_id, name, id);
CREATE INDEX customers_business_created_idx ON customers (business_id, created_at, id);
CREATE INDEX customers_business_updated_idx ON customers (business_id, updated_at, id);
CREATE INDEX customers_search_idx ON customers
    USING gin ((coalesce(name, '') || ' ' || coalesce(company, '') || ' ' || coalesce(email, ''))
    gin_trgm_ops);
