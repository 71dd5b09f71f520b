-- Captured by bench/capture.sh from the server's query log: POST /api/v1/invoices (5 items, a tax, a percent discount).
-- Regenerate, don't edit by hand.
\set evt random(1, 999999999999999)
\set customer_id random(:customer_min, :customer_max)
BEGIN;
SELECT EXISTS (SELECT 1 FROM customers
                        WHERE id = :customer_id AND business_id = :business_id AND discarded_at IS NULL);
SELECT t.id, t.business_id, t.name, t.rate, t.is_default, t.discarded_at, t.created_at,
         t.updated_at FROM taxes t WHERE t.business_id = :business_id AND t.id = ANY(ARRAY[:tax_id]::bigint[]) AND t.discarded_at IS NULL ORDER BY t.id;
WITH counter AS (
             INSERT INTO document_counters AS c (business_id, kind, last_value)
             VALUES (:business_id, 'invoice', 1)
             ON CONFLICT (business_id, kind) DO UPDATE SET last_value = c.last_value + 1
             RETURNING last_value::text AS v
         ), numbered AS (
             SELECT CASE WHEN 'invoice' = 'quote' THEN b.quote_prefix ELSE b.invoice_prefix END
                    || lpad(counter.v, greatest(b.number_padding, length(counter.v)), '0')
                    AS number
             FROM counter, businesses b
             WHERE b.id = :business_id
         )
         SELECT n.number,
                EXISTS (SELECT 1 FROM invoices d WHERE d.business_id = :business_id AND d.number = n.number)
         FROM numbered n
\gset n_
INSERT INTO invoices (business_id, customer_id, number, status, currency, issued_at,
             due_at, payment_term_id, notes, discount_type, discount_value, subtotal_cents,
             discount_cents, tax_total_cents, total_cents, created_at, updated_at)
         VALUES (:business_id, :customer_id, :n_number, 'draft', 'USD', '2026-11-21 09:34:11.422652+00', '2026-11-21 09:34:11.422652+00', NULL, 'Thank you.', 'percent', '5', '25000000', '1250000', '3562500', '27312500', '2026-11-21 09:34:11.422652+00', '2026-11-21 09:34:11.422652+00')
         RETURNING id
\gset new_
INSERT INTO invoice_items (invoice_id, position, name, description, quantity, unit_price,
                 total_cents, tax_ids, created_at, updated_at) VALUES (:new_id, '0', 'Consulting 1', 'Senior engineer, per day', '10', '5000', '5000000', '{}', '2026-11-21 09:34:11.422652+00', '2026-11-21 09:34:11.422652+00'), (:new_id, '1', 'Consulting 2', 'Senior engineer, per day', '10', '5000', '5000000', '{}', '2026-11-21 09:34:11.422652+00', '2026-11-21 09:34:11.422652+00'), (:new_id, '2', 'Consulting 3', 'Senior engineer, per day', '10', '5000', '5000000', '{}', '2026-11-21 09:34:11.422652+00', '2026-11-21 09:34:11.422652+00'), (:new_id, '3', 'Consulting 4', 'Senior engineer, per day', '10', '5000', '5000000', '{}', '2026-11-21 09:34:11.422652+00', '2026-11-21 09:34:11.422652+00'), (:new_id, '4', 'Consulting 5', 'Senior engineer, per day', '10', '5000', '5000000', '{}', '2026-11-21 09:34:11.422652+00', '2026-11-21 09:34:11.422652+00');
INSERT INTO invoice_taxes (invoice_id, tax_id, tax_name, tax_rate, invoice_level, amount_cents,
             created_at, updated_at)
         SELECT :new_id, u.tax_id, u.name, u.rate, u.level, u.amount, '2026-11-21 09:34:11.422652+00', '2026-11-21 09:34:11.422652+00'
         FROM UNNEST(ARRAY[:tax_id]::bigint[]::bigint[], '{VAT}'::text[], '{15}'::numeric[], '{t}'::bool[], '{3562500}'::bigint[])
              AS u(tax_id, name, rate, level, amount)
         ON CONFLICT (invoice_id, tax_id) DO UPDATE SET
             tax_name = EXCLUDED.tax_name, tax_rate = EXCLUDED.tax_rate,
             invoice_level = EXCLUDED.invoice_level, amount_cents = EXCLUDED.amount_cents,
             updated_at = CASE
                 WHEN (invoice_taxes.amount_cents, invoice_taxes.invoice_level, invoice_taxes.tax_rate)
                      IS DISTINCT FROM (EXCLUDED.amount_cents, EXCLUDED.invoice_level,
                                        EXCLUDED.tax_rate)
                 THEN EXCLUDED.updated_at ELSE invoice_taxes.updated_at END;
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
    FROM invoices i LEFT JOIN payment_terms pt ON pt.id = i.payment_term_id WHERE i.id = :new_id AND i.business_id = :business_id;
WITH event AS (
                 INSERT INTO events (id, business_id, type, data, created_at)
                 VALUES (('evt_' || :evt || 'a'), :business_id, 'invoice.created', '{"id": 1000201, "url": "http://127.0.0.1:43325/api/v1/invoices/1000201.json", "paid": false, "items": [{"id": 1001, "name": "Consulting 1", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:34:11.422Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:34:11.422Z", "description": "Senior engineer, per day"}, {"id": 1002, "name": "Consulting 2", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:34:11.422Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:34:11.422Z", "description": "Senior engineer, per day"}, {"id": 1003, "name": "Consulting 3", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:34:11.422Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:34:11.422Z", "description": "Senior engineer, per day"}, {"id": 1004, "name": "Consulting 4", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:34:11.422Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:34:11.422Z", "description": "Senior engineer, per day"}, {"id": 1005, "name": "Consulting 5", "total": "50000.0", "tax_ids": [], "quantity": 10, "created_at": "2026-11-21T09:34:11.422Z", "unit_price": "5000.0", "updated_at": "2026-11-21T09:34:11.422Z", "description": "Senior engineer, per day"}], "notes": "Thank you.", "taxes": [{"id": 201, "tax": {"id": 9001, "name": "VAT", "rate": "15.0"}, "tax_name": "VAT", "tax_rate": "15.0", "created_at": "2026-11-21T09:34:11.422Z", "tax_amount": {"cents": 3562500, "currency_iso": "USD"}, "updated_at": "2026-11-21T09:34:11.422Z", "invoice_level": true}], "total": {"cents": 27312500, "currency_iso": "USD"}, "due_at": "2026-11-21T09:34:11.422Z", "number": "INV-0201", "status": "draft", "balance": {"cents": 27312500, "currency_iso": "USD"}, "paid_at": null, "business": {"id": 7001, "logo": null, "name": "Bench Ltd", "slug": "bench-ltd", "phone": null, "address": null, "user_id": 1, "created_at": "2026-11-21T09:34:07.391Z", "updated_at": "2026-11-21T09:34:07.421Z", "discarded_at": null, "phone_country": null}, "currency": "USD", "customer": {"id": 200004, "url": "http://127.0.0.1:43325/api/v1/customers/200004.json", "name": "Customer 4", "email": "billing4@example.com", "notes": null, "phone": null, "address": null, "company": "Company 4", "website": null, "currency": "USD", "created_at": "2026-11-21T09:34:08.502Z", "updated_at": "2026-11-21T09:34:08.502Z", "business_id": 7001, "discarded_at": null, "customer_type": "business", "phone_country": null}, "discount": {"cents": 1250000, "currency_iso": "USD"}, "subtotal": {"cents": 25000000, "currency_iso": "USD"}, "issued_at": "2026-11-21T09:34:11.422Z", "tax_total": {"cents": 3562500, "currency_iso": "USD"}, "viewed_at": null, "voided_at": null, "created_at": "2026-11-21T09:34:11.422Z", "emailed_at": null, "updated_at": "2026-11-21T09:34:11.422Z", "business_id": 7001, "customer_id": 200004, "discarded_at": null, "payment_term": null, "discount_type": "percent", "discount_value": "5.0", "payment_term_id": null}', '2026-11-21 09:34:11.422652+00')
             )
             INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key)
         SELECT 'webhook.deliver',
                jsonb_build_object('business_id', e.business_id, 'endpoint_id', e.id,
                                   'event_id', ('evt_' || :evt || 'a')::text),
                '2026-11-21 09:34:11.422652+00', '20', 'webhook:' || ('evt_' || :evt || 'a') || ':' || e.id
         FROM webhook_endpoints e
         WHERE e.business_id = :business_id AND e.enabled AND e.discarded_at IS NULL
           AND e.enabled_events && ARRAY['invoice.created'::text, '*']
         ON CONFLICT (unique_key)
             WHERE unique_key IS NOT NULL AND status IN ('queued', 'running')
         DO NOTHING;
COMMIT;
