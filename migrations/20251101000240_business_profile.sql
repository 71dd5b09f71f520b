-- The business profile (issue 20): what a document needs about its sender, the
-- customer's tax id, and the address fields both share.

ALTER TABLE addresses
    ADD COLUMN state         TEXT,
    -- ISO 3166-1 alpha-2, upper-case, beside the free-text country the documents show.
    ADD COLUMN country_code  TEXT CHECK (country_code ~ '^[A-Z]{2}$');

ALTER TABLE customers
    ADD COLUMN tax_id  TEXT;

ALTER TABLE businesses
    ADD COLUMN legal_name             TEXT,
    ADD COLUMN email                  TEXT,
    ADD COLUMN website                TEXT,
    ADD COLUMN tax_id                 TEXT,
    ADD COLUMN registration_number    TEXT,
    ADD COLUMN locale                 TEXT NOT NULL DEFAULT 'en',
    ADD COLUMN paper_size             TEXT NOT NULL DEFAULT 'a4'
        CHECK (paper_size IN ('a4', 'letter')),
    ADD COLUMN accent_color           TEXT CHECK (accent_color ~ '^#[0-9a-f]{6}$'),
    ADD COLUMN default_notes          TEXT,
    ADD COLUMN footer                 TEXT,
    ADD COLUMN payment_bank_name      TEXT,
    ADD COLUMN payment_account_holder TEXT,
    ADD COLUMN payment_iban           TEXT,
    ADD COLUMN payment_bic            TEXT,
    ADD COLUMN payment_text           TEXT,
    -- Names the business in its public logo URLs, so that ids are not enumerable there
    -- (122 random bits).
    ADD COLUMN public_token           TEXT NOT NULL UNIQUE
        DEFAULT replace(gen_random_uuid()::text, '-', '');

-- The logo, in the database so that servers stay stateless; at most one per business.
-- Its URL names the digest, so a new logo is a new URL and the old one can be cached forever.
CREATE TABLE business_logos (
    business_id   BIGINT PRIMARY KEY REFERENCES businesses (id),
    content_type  TEXT NOT NULL
        CHECK (content_type IN ('image/png', 'image/jpeg', 'image/svg+xml')),
    -- SHA-256 of the bytes, lower-case hex.
    digest        TEXT NOT NULL,
    bytes         BYTEA NOT NULL CHECK (octet_length(bytes) <= 1000000),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
