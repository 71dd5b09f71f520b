-- Captured by bench/capture.sh from the server's query log: GET /api/v1/invoices?page=P&per_page=20, P in 1..10.
-- Regenerate, don't edit by hand.
\set evt random(1, 999999999999999)
\set offset 20 * random(0, 9)
SELECT coalesce((SELECT live FROM invoice_counts WHERE business_id = :business_id), 0) AS total, ARRAY(SELECT i.id FROM invoices i WHERE i.business_id = :business_id AND i.discarded_at IS NULL ORDER BY i.created_at ASC, i.id ASC LIMIT '20' OFFSET :offset) AS ids
\gset l_
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
    FROM invoices i LEFT JOIN payment_terms pt ON pt.id = i.payment_term_id WHERE i.business_id = :business_id AND i.id = ANY(:l_ids) ORDER BY i.created_at ASC, i.id ASC;
