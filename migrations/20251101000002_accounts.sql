-- Addresses are their own rows (with id and timestamps, as the documents show them),
-- shared by businesses and customers.
CREATE TABLE addresses (
    id          BIGSERIAL PRIMARY KEY,
    line        TEXT,
    line2       TEXT,
    post_code   TEXT,
    city        TEXT,
    country     TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER addresses_updated_at BEFORE UPDATE ON addresses
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The tenant: every resource belongs to exactly one business.
CREATE TABLE businesses (
    id                BIGSERIAL PRIMARY KEY,
    -- The owner; set right after the first user is created.
    user_id           BIGINT,
    name              TEXT NOT NULL,
    slug              TEXT NOT NULL UNIQUE,
    phone             TEXT,
    phone_country     TEXT,
    logo_url          TEXT,
    default_currency  TEXT NOT NULL DEFAULT 'USD',
    time_zone         TEXT NOT NULL DEFAULT 'UTC',
    address_id        BIGINT REFERENCES addresses (id),
    discarded_at      TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TRIGGER businesses_updated_at BEFORE UPDATE ON businesses
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    business_id    BIGINT NOT NULL REFERENCES businesses (id),
    email          TEXT NOT NULL,
    name           TEXT,
    -- argon2id PHC string
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_business_id_idx ON users (business_id);
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE businesses
    ADD CONSTRAINT businesses_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);
