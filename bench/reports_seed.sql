-- Turns the benchmark's seeded invoices (bench/seed.sql: drafts, all alike) into a
-- business's history for the reports: issue dates spread over two years, due 30 days
-- later; by id, 60 % paid in full (a payment 10 days after issue), 20 % sent, 10 %
-- sent and past due, 10 % drafts; one payment in a hundred half refunded. Set-based and
-- in one transaction, as bench/seed.sql.
\set ON_ERROR_STOP on
BEGIN;

UPDATE invoices i SET
    issued_at = s.issued,
    due_at = s.issued + interval '30 days',
    status = s.status,
    paid = s.status = 'paid',
    paid_cents = CASE WHEN s.status = 'paid' THEN i.total_cents ELSE 0 END,
    paid_at = CASE WHEN s.status = 'paid' THEN s.issued + interval '10 days' END
FROM (SELECT id,
             timestamptz '2025-10-21 00:00:00+00' - (id % 730) * interval '1 day'
                 - (id % 86400) * interval '1 second' AS issued,
             CASE WHEN id % 10 < 6 THEN 'paid'
                  WHEN id % 10 < 8 THEN 'sent'
                  WHEN id % 10 < 9 THEN 'overdue'
                  ELSE 'draft' END AS status
      FROM invoices WHERE business_id = :business) s
WHERE i.id = s.id;
-- Past due: its due date moved into the past.
UPDATE invoices SET due_at = issued_at - interval '1 day'
WHERE business_id = :business AND status = 'overdue';

INSERT INTO payments (business_id, invoice_id, customer_id, amount_cents, currency, paid_at,
                      payment_method, created_at, updated_at)
SELECT business_id, id, customer_id, total_cents, currency, paid_at, 'bank_transfer',
       paid_at, paid_at
FROM invoices WHERE business_id = :business AND status = 'paid'
ORDER BY id;

INSERT INTO payment_refunds (business_id, payment_id, amount_cents, currency, refunded_at,
                             payment_method, created_at, updated_at)
SELECT business_id, id, amount_cents / 2, currency, paid_at + interval '3 days',
       'bank_transfer', paid_at, paid_at
FROM payments WHERE business_id = :business AND id % 100 = 0;
UPDATE payments SET refunded_cents = amount_cents / 2
WHERE business_id = :business AND id % 100 = 0;
UPDATE invoices i SET paid_cents = i.paid_cents - p.refunded_cents, paid = false,
                      status = 'partial', paid_at = NULL
FROM payments p
WHERE p.business_id = :business AND p.invoice_id = i.id AND p.refunded_cents > 0;

COMMIT;
VACUUM ANALYZE;
