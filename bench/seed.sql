-- Seeds the benchmark database set-based, from one invoice the API created (`:template`):
-- invoices 2..:n are copies of it, row for row what the API writes for the same request
-- (same items, tax line and totals, which the API computed), spread over the business's
-- customers, numbered from the business's counter format (prefix + zero padding), and
-- the counter left at :n as if the API had numbered them. `created_at`/`issued_at` step
-- back one second per invoice so the list has a stable order.
--
-- Not copied: the `invoice.created` events (about 3 kB of JSON each, 3 GB at a million);
-- no benchmarked call reads the event log, and with no webhook endpoint no job was queued.
\set ON_ERROR_STOP on
BEGIN;

CREATE TEMP TABLE seed_template AS
SELECT i.*, b.invoice_prefix, b.number_padding,
       (SELECT array_agg(c.id ORDER BY c.id) FROM customers c
        WHERE c.business_id = i.business_id AND c.discarded_at IS NULL) AS customer_ids
FROM invoices i JOIN businesses b ON b.id = i.business_id
WHERE i.id = :template;

INSERT INTO invoices (business_id, customer_id, number, status, currency, issued_at, due_at,
                      payment_term_id, notes, discount_type, discount_value, subtotal_cents,
                      discount_cents, tax_total_cents, total_cents, paid_cents, paid,
                      created_at, updated_at)
SELECT t.business_id,
       t.customer_ids[1 + g % cardinality(t.customer_ids)],
       t.invoice_prefix || lpad(g::text, greatest(t.number_padding, length(g::text)), '0'),
       t.status, t.currency,
       t.issued_at - (:n - g + 1) * interval '1 second',
       t.due_at - (:n - g + 1) * interval '1 second',
       t.payment_term_id, t.notes, t.discount_type, t.discount_value, t.subtotal_cents,
       t.discount_cents, t.tax_total_cents, t.total_cents, 0, false,
       t.created_at - (:n - g + 1) * interval '1 second',
       t.created_at - (:n - g + 1) * interval '1 second'
FROM seed_template t, generate_series(2, :n) AS g
ORDER BY g;

INSERT INTO invoice_items (invoice_id, position, name, description, quantity, unit_price,
                           total_cents, tax_ids, created_at, updated_at)
SELECT i.id, it.position, it.name, it.description, it.quantity, it.unit_price,
       it.total_cents, it.tax_ids, i.created_at, i.created_at
FROM invoices i
JOIN seed_template t ON t.business_id = i.business_id AND i.id <> t.id
CROSS JOIN LATERAL (SELECT * FROM invoice_items WHERE invoice_id = t.id ORDER BY position) it
ORDER BY i.id, it.position;

INSERT INTO invoice_taxes (invoice_id, tax_id, tax_name, tax_rate, invoice_level,
                           amount_cents, created_at, updated_at)
SELECT i.id, tx.tax_id, tx.tax_name, tx.tax_rate, tx.invoice_level, tx.amount_cents,
       i.created_at, i.created_at
FROM invoices i
JOIN seed_template t ON t.business_id = i.business_id AND i.id <> t.id
CROSS JOIN LATERAL (SELECT * FROM invoice_taxes WHERE invoice_id = t.id ORDER BY id) tx
ORDER BY i.id;

UPDATE document_counters c SET last_value = :n
FROM seed_template t
WHERE c.business_id = t.business_id AND c.kind = 'invoice';

COMMIT;
VACUUM ANALYZE;
