-- Captured by bench/capture.sh from the server's query log: POST /api/v1/invoices/{id}/payments.
-- Regenerate, don't edit by hand.
\set evt random(1, 999999999999999)
\set id random(:id_min, :id_max)
BEGIN;
SELECT i.id, i.business_id, i.customer_id, i.number, i.status, i.currency,
        i.issued_at, i.due_at, i.payment_term_id, i.notes, i.discount_type, i.discount_value,
        i.subtotal_cents, i.discount_cents, i.tax_total_cents, i.total_cents, i.paid_cents,
        i.balance_cents, i.paid, i.emailed_at, i.viewed_at, i.voided_at, i.paid_at,
        i.discarded_at, i.created_at, i.updated_at,
        pt.name AS term_name, pt.value AS term_value, pt.created_at AS term_created_at,
        pt.updated_at AS term_updated_at
    FROM invoices i LEFT JOIN payment_terms pt ON pt.id = i.payment_term_id WHERE i.id = :id AND i.business_id = :business_id FOR UPDATE OF i;
INSERT INTO payments (business_id, invoice_id, customer_id, amount_cents, currency,
             paid_at, payment_method, reference, notes, created_at, updated_at)
         VALUES (:business_id, :id, '200013', '1', 'USD', '2026-11-21 09:34:12.246375+00', 'bank_transfer', NULL, NULL, '2026-11-21 09:34:12.246375+00', '2026-11-21 09:34:12.246375+00')
         RETURNING id
\gset new_
SELECT p.id, p.business_id, p.invoice_id, p.customer_id, p.amount_cents,
        p.currency, p.paid_at, p.payment_method, p.reference, p.notes, p.discarded_at,
        p.created_at, p.updated_at
    FROM payments p WHERE p.id = :new_id AND p.business_id = :business_id;
WITH event AS (
                 INSERT INTO events (id, business_id, type, data, created_at)
                 VALUES (('evt_' || :evt || 'a'), :business_id, 'payment.received', '{"id": 5000001, "url": "http://127.0.0.1:43325/api/v1/payments/5000001.json", "notes": null, "amount": {"cents": 1, "currency_iso": "USD"}, "paid_at": "2026-11-21T09:34:12.246Z", "currency": "USD", "reference": null, "created_at": "2026-11-21T09:34:12.246Z", "invoice_id": 1000012, "updated_at": "2026-11-21T09:34:12.246Z", "business_id": 7001, "customer_id": 200013, "discarded_at": null, "payment_method": "bank_transfer"}', '2026-11-21 09:34:12.246375+00')
             )
             INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key)
         SELECT 'webhook.deliver',
                jsonb_build_object('business_id', e.business_id, 'endpoint_id', e.id,
                                   'event_id', ('evt_' || :evt || 'a')::text),
                '2026-11-21 09:34:12.246375+00', '20', 'webhook:' || ('evt_' || :evt || 'a') || ':' || e.id
         FROM webhook_endpoints e
         WHERE e.business_id = :business_id AND e.enabled AND e.discarded_at IS NULL
           AND e.enabled_events && ARRAY['payment.received'::text, '*']
         ON CONFLICT (unique_key)
             WHERE unique_key IS NOT NULL AND status IN ('queued', 'running')
         DO NOTHING;
WITH p AS (
             SELECT coalesce(sum(amount_cents), 0)::bigint AS paid, max(paid_at) AS last_paid_at
             FROM payments WHERE invoice_id = :id AND discarded_at IS NULL
         ), old AS (
             SELECT status, paid_cents FROM invoices WHERE id = :id
         )
         UPDATE invoices i SET
             paid_cents = p.paid,
             status = CASE
                 WHEN i.status = 'void' THEN i.status
                 WHEN p.paid > 0 AND p.paid >= i.total_cents THEN 'paid'
                 WHEN p.paid > 0 THEN 'partial'
                 WHEN i.status IN ('partial', 'paid') THEN 'sent'
                 ELSE i.status END,
             paid = (i.status <> 'void' AND p.paid > 0 AND p.paid >= i.total_cents),
             paid_at = CASE WHEN p.paid > 0 AND p.paid >= i.total_cents
                            THEN coalesce(p.last_paid_at, '2026-11-21 09:34:12.246375+00') ELSE NULL END,
             updated_at = CASE WHEN i.paid_cents IS DISTINCT FROM p.paid THEN '2026-11-21 09:34:12.246375+00'
                               ELSE i.updated_at END
         FROM p, old WHERE i.id = :id
         RETURNING old.status AS status_before, i.status AS status_after,
                   old.paid_cents AS paid_before, i.paid_cents AS paid_after;
SELECT i.id, i.business_id, i.customer_id, i.number, i.status, i.currency,
        i.issued_at, i.due_at, i.payment_term_id, i.notes, i.discount_type, i.discount_value,
        i.subtotal_cents, i.discount_cents, i.tax_total_cents, i.total_cents, i.paid_cents,
        i.balance_cents, i.paid, i.emailed_at, i.viewed_at, i.voided_at, i.paid_at,
        i.discarded_at, i.created_at, i.updated_at,
        pt.name AS term_name, pt.value AS term_value, pt.created_at AS term_created_at,
        pt.updated_at AS term_updated_at,
        (SELECT coalesce(json_agg(x ORDER BY x.position, x.id), '[]')
         FROM (SELECT id, invoice_id AS document_id, position, name, description, quantity,
                      unit_price, total_cents, tax_ids, created_at, updated_at
               FROM invoice_items WHERE invoice_id = i.id) x) AS items,
        (SELECT coalesce(json_agg(x ORDER BY x.invoice_level DESC, x.id), '[]')
         FROM (SELECT l.id, l.invoice_id AS document_id, l.tax_id, l.tax_name, l.tax_rate,
                      l.invoice_level, l.amount_cents, l.created_at, l.updated_at,
                      t.name AS current_name, t.rate AS current_rate
               FROM invoice_taxes l JOIN taxes t ON t.id = l.tax_id
               WHERE l.invoice_id = i.id) x) AS taxes,
        (SELECT to_json(x) FROM (SELECT c.id, c.business_id, c.name, c.company, c.customer_type, c.email,
        c.phone, c.phone_country, c.currency, c.website, c.notes, c.discarded_at,
        c.created_at, c.updated_at,
        a.id AS address_id, a.line AS address_line, a.line2 AS address_line2,
        a.post_code AS address_post_code, a.city AS address_city,
        a.country AS address_country, a.created_at AS address_created_at,
        a.updated_at AS address_updated_at
    FROM customers c LEFT JOIN addresses a ON a.id = c.address_id WHERE c.business_id = i.business_id
                                 AND c.id = i.customer_id) x) AS customer,
        (SELECT to_json(x) FROM (SELECT b.id, b.user_id, b.name, b.slug, b.phone,
        b.phone_country, b.default_currency, b.time_zone, b.logo_url, b.discarded_at,
        b.created_at, b.updated_at,
        a.id AS address_id, a.line AS address_line, a.line2 AS address_line2,
        a.post_code AS address_post_code, a.city AS address_city,
        a.country AS address_country, a.created_at AS address_created_at,
        a.updated_at AS address_updated_at
    FROM businesses b LEFT JOIN addresses a ON a.id = b.address_id WHERE b.id = i.business_id) x) AS business
    FROM invoices i LEFT JOIN payment_terms pt ON pt.id = i.payment_term_id WHERE i.id = :id AND i.business_id = :business_id;
WITH event AS (
                 INSERT INTO events (id, business_id, type, data, created_at)
                 VALUES (('evt_' || :evt || 'b'), :business_id, 'invoice.updated', '{"id": 1000012, "url": "http://127.0.0.1:43325/api/v1/invoices/1000012.json", "paid": false, "items": [{"id": 56, "name": "Consulting 1", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:31:00.282Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:31:00.282Z", "description": "Senior engineer, per day"}, {"id": 57, "name": "Consulting 2", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:31:00.282Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:31:00.282Z", "description": "Senior engineer, per day"}, {"id": 58, "name": "Consulting 3", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:31:00.282Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:31:00.282Z", "description": "Senior engineer, per day"}, {"id": 59, "name": "Consulting 4", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:31:00.282Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:31:00.282Z", "description": "Senior engineer, per day"}, {"id": 60, "name": "Consulting 5", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:31:00.282Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:31:00.282Z", "description": "Senior engineer, per day"}], "notes": "Thank you.", "taxes": [{"id": 12, "tax": {"id": 9001, "name": "VAT", "rate": "15.0"}, "tax_name": "VAT", "tax_rate": "15.0", "created_at": "2026-11-21T09:31:00.282Z", "tax_amount": {"cents": 3562500, "currency_iso": "USD"}, "updated_at": "2026-11-21T09:31:00.282Z", "invoice_level": true}], "total": {"cents": 27312500, "currency_iso": "USD"}, "due_at": "2026-11-21T09:31:00.282Z", "number": "INV-0012", "status": "partial", "balance": {"cents": 27312499, "currency_iso": "USD"}, "paid_at": null, "business": {"id": 7001, "logo": null, "name": "Bench Ltd", "slug": "bench-ltd", "phone": null, "address": null, "user_id": 1, "created_at": "2026-11-21T09:34:07.391Z", "updated_at": "2026-11-21T09:34:07.421Z", "discarded_at": null, "phone_country": null}, "currency": "USD", "customer": {"id": 200013, "url": "http://127.0.0.1:43325/api/v1/customers/200013.json", "name": "Customer 13", "email": "billing13@example.com", "notes": null, "phone": null, "address": null, "company": "Company 13", "website": null, "currency": "USD", "created_at": "2026-11-21T09:34:08.565Z", "updated_at": "2026-11-21T09:34:08.565Z", "business_id": 7001, "discarded_at": null, "customer_type": "business", "phone_country": null}, "discount": {"cents": 1250000, "currency_iso": "USD"}, "subtotal": {"cents": 25000000, "currency_iso": "USD"}, "issued_at": "2026-11-21T09:31:00.282Z", "tax_total": {"cents": 3562500, "currency_iso": "USD"}, "viewed_at": null, "voided_at": null, "created_at": "2026-11-21T09:31:00.282Z", "emailed_at": null, "updated_at": "2026-11-21T09:34:12.246Z", "business_id": 7001, "customer_id": 200013, "discarded_at": null, "payment_term": null, "discount_type": "percent", "discount_value": "5.0", "payment_term_id": null}', '2026-11-21 09:34:12.246375+00')
             )
             INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key)
         SELECT 'webhook.deliver',
                jsonb_build_object('business_id', e.business_id, 'endpoint_id', e.id,
                                   'event_id', ('evt_' || :evt || 'b')::text),
                '2026-11-21 09:34:12.246375+00', '20', 'webhook:' || ('evt_' || :evt || 'b') || ':' || e.id
         FROM webhook_endpoints e
         WHERE e.business_id = :business_id AND e.enabled AND e.discarded_at IS NULL
           AND e.enabled_events && ARRAY['invoice.updated'::text, '*']
         ON CONFLICT (unique_key)
             WHERE unique_key IS NOT NULL AND status IN ('queued', 'running')
         DO NOTHING;
COMMIT;
