-- The product catalogue (issue 24): what a business sells, with the defaults an item
-- that names it takes (name, description, price, unit, taxes). Items keep their own
-- copy; `product_id` on an item only says where its defaults came from.
CREATE TABLE products (
    id            BIGSERIAL PRIMARY KEY,
    business_id   BIGINT NOT NULL REFERENCES businesses (id),
    name          TEXT NOT NULL,
    description   TEXT,
    sku           TEXT,
    -- As items store theirs: a decimal price per unit, in `currency`.
    unit_price    NUMERIC(28, 4) NOT NULL,
    currency      TEXT NOT NULL,
    unit_code     TEXT NOT NULL DEFAULT 'C62' CHECK (unit_code ~ '^[A-Z0-9]{1,3}$'),
    tax_ids       BIGINT[] NOT NULL DEFAULT '{}',
    active        BOOLEAN NOT NULL DEFAULT true,
    discarded_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- A SKU names one live product of the business, whatever its case.
CREATE UNIQUE INDEX products_sku_key ON products (business_id, lower(sku))
    WHERE sku IS NOT NULL AND discarded_at IS NULL;
CREATE INDEX products_business_created_idx ON products (business_id, created_at, id);
CREATE INDEX products_business_name_idx ON products (business_id, name, id);
CREATE INDEX products_business_price_idx ON products (business_id, unit_price, id);
CREATE INDEX products_search_idx ON products USING gin (name gin_trgm_ops);

ALTER TABLE invoice_items ADD COLUMN product_id BIGINT REFERENCES products (id);
ALTER TABLE quote_items ADD COLUMN product_id BIGINT REFERENCES products (id);
ALTER TABLE credit_note_items ADD COLUMN product_id BIGINT REFERENCES products (id);
