-- Refunds of a payment (`billing::refunds`): money given back, all or part of what a
-- payment brought in. The payment keeps the running total (`refunded_cents`, updated
-- with the payment row locked in the refund's transaction); its CHECK is the last line
-- against refunding more than was paid, whatever the code above it does. An invoice's
-- paid amount counts each live payment's amount less what was refunded of it.
ALTER TABLE payments
    ADD COLUMN refunded_cents BIGINT NOT NULL DEFAULT 0,
    ADD CONSTRAINT payments_refunded_within_amount
        CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents);

CREATE TABLE payment_refunds (
    id              BIGSERIAL PRIMARY KEY,
    business_id     BIGINT NOT NULL REFERENCES businesses (id),
    payment_id      BIGINT NOT NULL REFERENCES payments (id),
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    currency        TEXT NOT NULL,
    refunded_at     TIMESTAMPTZ NOT NULL,
    payment_method  TEXT NOT NULL
                    CHECK (payment_method IN ('cash', 'bank_transfer', 'card', 'check', 'other')),
    reference       TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
-- A payment's refunds, in the list's orders.
CREATE INDEX payment_refunds_payment_idx ON payment_refunds (payment_id, refunded_at, id);
CREATE INDEX payment_refunds_business_idx ON payment_refunds (business_id, id);
