-- The reports' running sums (issue 24): what was invoiced, credited, paid and refunded,
-- and the tax charged and credited, per business, currency and quarter hour (UTC), kept
-- exact by statement-level triggers in the transaction of every change, as
-- `invoice_counts` keeps the list's total. A period's report sums its quarter hours
-- instead of its documents: a quarter is ~8,800 rows per currency, whatever the volume.
--
-- Why quarter hours of UTC, not days: a report's days are the business's local days, and
-- every time zone in use has an offset of whole quarter hours, so any local midnight is
-- a slot boundary; a business may change its zone and the sums stay right.
-- `billing::reports` reads the documents themselves when a bound is not on one.
--
-- Writers add deltas (`ON CONFLICT DO UPDATE SET x = x + delta`), so concurrent writers
-- never lose each other's sums; an update that moves nothing (a payment changing an
-- invoice's balance) writes nothing (the HAVING), so it never waits on a slot row.

CREATE TABLE report_slots (
    business_id     BIGINT NOT NULL,
    slot            TIMESTAMPTZ NOT NULL,
    currency        TEXT NOT NULL,
    -- issued invoices (not drafts, not void, not deleted), by `issued_at`
    invoiced_cents  BIGINT NOT NULL DEFAULT 0,
    invoiced_count  BIGINT NOT NULL DEFAULT 0,
    -- credit notes (not deleted), by `issued_at`
    credited_cents  BIGINT NOT NULL DEFAULT 0,
    credited_count  BIGINT NOT NULL DEFAULT 0,
    -- payments (not deleted), by `paid_at`
    paid_cents      BIGINT NOT NULL DEFAULT 0,
    paid_count      BIGINT NOT NULL DEFAULT 0,
    -- refunds of payments not deleted, by `refunded_at`
    refunded_cents  BIGINT NOT NULL DEFAULT 0,
    refunded_count  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, slot, currency)
);

CREATE TABLE report_tax_slots (
    business_id     BIGINT NOT NULL,
    slot            TIMESTAMPTZ NOT NULL,
    currency        TEXT NOT NULL,
    tax_id          BIGINT NOT NULL,
    tax_rate        NUMERIC(7, 4) NOT NULL,
    category        TEXT NOT NULL,
    -- the tax lines of issued invoices (one per invoice and tax), by the invoice's issue
    invoiced_cents  BIGINT NOT NULL DEFAULT 0,
    invoice_count   BIGINT NOT NULL DEFAULT 0,
    -- the tax lines of credit notes, by the note's issue
    credited_cents  BIGINT NOT NULL DEFAULT 0,
    credited_count  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, slot, currency, tax_id, tax_rate, category)
);

-- The quarter hour an instant falls in.
CREATE FUNCTION report_slot(t TIMESTAMPTZ) RETURNS TIMESTAMPTZ AS $$
    SELECT date_bin('15 minutes', t, TIMESTAMPTZ '2000-01-01 00:00:00+00')
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- The tax lines, and a payment's refunds, carry what decides whether and when they
-- count (their document's), so their own triggers can sum them, deletes by cascade
-- included: `counted_at` is the document's issue while it counts, else NULL.
ALTER TABLE invoice_taxes
    ADD COLUMN business_id BIGINT,
    ADD COLUMN currency TEXT,
    ADD COLUMN counted_at TIMESTAMPTZ;
ALTER TABLE credit_note_taxes
    ADD COLUMN business_id BIGINT,
    ADD COLUMN currency TEXT,
    ADD COLUMN counted_at TIMESTAMPTZ;
ALTER TABLE payment_refunds ADD COLUMN payment_live BOOLEAN NOT NULL DEFAULT true;

CREATE FUNCTION invoice_counted_at(status TEXT, discarded_at TIMESTAMPTZ, issued_at TIMESTAMPTZ)
RETURNS TIMESTAMPTZ AS $$
    SELECT CASE WHEN discarded_at IS NULL AND status NOT IN ('draft', 'void') THEN issued_at END
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

UPDATE invoice_taxes l
SET business_id = i.business_id, currency = i.currency,
    counted_at = invoice_counted_at(i.status, i.discarded_at, i.issued_at)
FROM invoices i WHERE i.id = l.invoice_id;
UPDATE credit_note_taxes l
SET business_id = c.business_id, currency = c.currency,
    counted_at = CASE WHEN c.discarded_at IS NULL THEN c.issued_at END
FROM credit_notes c WHERE c.id = l.credit_note_id;
UPDATE payment_refunds r SET payment_live = false
FROM payments p WHERE p.id = r.payment_id AND p.discarded_at IS NOT NULL;

INSERT INTO report_slots (business_id, slot, currency, invoiced_cents, invoiced_count,
                          credited_cents, credited_count, paid_cents, paid_count,
                          refunded_cents, refunded_count)
SELECT business_id, slot, currency, sum(ic), sum(inn), sum(cc), sum(cn), sum(pc), sum(pn),
       sum(rc), sum(rn)
FROM (SELECT business_id, report_slot(issued_at) AS slot, currency, total_cents AS ic,
             1 AS inn, 0 AS cc, 0 AS cn, 0 AS pc, 0 AS pn, 0 AS rc, 0 AS rn
      FROM invoices WHERE invoice_counted_at(status, discarded_at, issued_at) IS NOT NULL
      UNION ALL
      SELECT business_id, report_slot(issued_at), currency, 0, 0, total_cents, 1, 0, 0, 0, 0
      FROM credit_notes WHERE discarded_at IS NULL
      UNION ALL
      SELECT business_id, report_slot(paid_at), currency, 0, 0, 0, 0, amount_cents, 1, 0, 0
      FROM payments WHERE discarded_at IS NULL
      UNION ALL
      SELECT business_id, report_slot(refunded_at), currency, 0, 0, 0, 0, 0, 0,
             amount_cents, 1
      FROM payment_refunds WHERE payment_live) d
GROUP BY business_id, slot, currency;

INSERT INTO report_tax_slots (business_id, slot, currency, tax_id, tax_rate, category,
                              invoiced_cents, invoice_count, credited_cents, credited_count)
SELECT business_id, slot, currency, tax_id, tax_rate, category, sum(ic), sum(n), sum(cc),
       sum(cn)
FROM (SELECT business_id, report_slot(counted_at) AS slot, currency, tax_id, tax_rate,
             category, amount_cents AS ic, 1 AS n, 0 AS cc, 0 AS cn
      FROM invoice_taxes WHERE counted_at IS NOT NULL
      UNION ALL
      SELECT business_id, report_slot(counted_at), currency, tax_id, tax_rate, category,
             0, 0, amount_cents, 1
      FROM credit_note_taxes WHERE counted_at IS NOT NULL) d
GROUP BY business_id, slot, currency, tax_id, tax_rate, category;

-- A new line or refund takes its document's state; a document whose state changes
-- passes it to its lines or refunds (whose own triggers then move the sums).
CREATE FUNCTION invoice_taxes_take_state() RETURNS trigger AS $$
BEGIN
    SELECT i.business_id, i.currency, invoice_counted_at(i.status, i.discarded_at, i.issued_at)
    INTO NEW.business_id, NEW.currency, NEW.counted_at
    FROM invoices i WHERE i.id = NEW.invoice_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER invoice_taxes_take_state BEFORE INSERT OR UPDATE OF invoice_id ON invoice_taxes
    FOR EACH ROW EXECUTE FUNCTION invoice_taxes_take_state();

CREATE FUNCTION invoices_pass_state() RETURNS trigger AS $$
BEGIN
    UPDATE invoice_taxes
    SET currency = NEW.currency,
        counted_at = invoice_counted_at(NEW.status, NEW.discarded_at, NEW.issued_at)
    WHERE invoice_id = NEW.id
      AND (currency IS DISTINCT FROM NEW.currency
           OR counted_at IS DISTINCT FROM
              invoice_counted_at(NEW.status, NEW.discarded_at, NEW.issued_at));
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER invoices_pass_state AFTER UPDATE ON invoices FOR EACH ROW
    WHEN (OLD.currency IS DISTINCT FROM NEW.currency
          OR invoice_counted_at(OLD.status, OLD.discarded_at, OLD.issued_at) IS DISTINCT FROM
             invoice_counted_at(NEW.status, NEW.discarded_at, NEW.issued_at))
    EXECUTE FUNCTION invoices_pass_state();

CREATE FUNCTION credit_note_taxes_take_state() RETURNS trigger AS $$
BEGIN
    SELECT c.business_id, c.currency, CASE WHEN c.discarded_at IS NULL THEN c.issued_at END
    INTO NEW.business_id, NEW.currency, NEW.counted_at
    FROM credit_notes c WHERE c.id = NEW.credit_note_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credit_note_taxes_take_state
    BEFORE INSERT OR UPDATE OF credit_note_id ON credit_note_taxes
    FOR EACH ROW EXECUTE FUNCTION credit_note_taxes_take_state();

CREATE FUNCTION credit_notes_pass_state() RETURNS trigger AS $$
BEGIN
    UPDATE credit_note_taxes
    SET currency = NEW.currency,
        counted_at = CASE WHEN NEW.discarded_at IS NULL THEN NEW.issued_at END
    WHERE credit_note_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credit_notes_pass_state AFTER UPDATE ON credit_notes FOR EACH ROW
    WHEN (OLD.currency IS DISTINCT FROM NEW.currency
          OR OLD.issued_at IS DISTINCT FROM NEW.issued_at
          OR (OLD.discarded_at IS NULL) <> (NEW.discarded_at IS NULL))
    EXECUTE FUNCTION credit_notes_pass_state();

CREATE FUNCTION payment_refunds_take_state() RETURNS trigger AS $$
BEGIN
    SELECT p.discarded_at IS NULL INTO NEW.payment_live FROM payments p WHERE p.id = NEW.payment_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payment_refunds_take_state BEFORE INSERT OR UPDATE OF payment_id ON payment_refunds
    FOR EACH ROW EXECUTE FUNCTION payment_refunds_take_state();

CREATE FUNCTION payments_pass_state() RETURNS trigger AS $$
BEGIN
    UPDATE payment_refunds SET payment_live = NEW.discarded_at IS NULL WHERE payment_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_pass_state AFTER UPDATE ON payments FOR EACH ROW
    WHEN ((OLD.discarded_at IS NULL) <> (NEW.discarded_at IS NULL))
    EXECUTE FUNCTION payments_pass_state();

-- One function adds any source's rows to a slot table: what the statement inserted, less
-- what it deleted, an update being both. Arguments: the slot table, when a row counts,
-- then the key columns, their expressions over the row, the sums, their expressions.
CREATE FUNCTION report_slots_apply() RETURNS trigger AS $$
DECLARE
    target TEXT := TG_ARGV[0];
    counts TEXT := TG_ARGV[1];
    keys TEXT[] := TG_ARGV[2]::TEXT[];
    key_exprs TEXT[] := TG_ARGV[3]::TEXT[];
    sums TEXT[] := TG_ARGV[4]::TEXT[];
    sum_exprs TEXT[] := TG_ARGV[5]::TEXT[];
    rows_sql TEXT;
    inner_cols TEXT := '';
    sum_cols TEXT := '';
    moved TEXT := '';
    added TEXT := '';
    key_list TEXT := array_to_string(keys, ', ');
BEGIN
    rows_sql := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT 1 AS sign, n.* FROM new_rows n'
        WHEN 'DELETE' THEN 'SELECT -1 AS sign, o.* FROM old_rows o'
        ELSE 'SELECT 1 AS sign, n.* FROM new_rows n UNION ALL SELECT -1, o.* FROM old_rows o'
    END;
    FOR k IN 1 .. array_length(keys, 1) LOOP
        inner_cols := inner_cols || key_exprs[k] || ' AS ' || keys[k] || ', ';
    END LOOP;
    FOR k IN 1 .. array_length(sums, 1) LOOP
        inner_cols := inner_cols || 'sign * (' || sum_exprs[k] || ') AS ' || sums[k]
            || CASE WHEN k < array_length(sums, 1) THEN ', ' ELSE '' END;
        sum_cols := sum_cols || ', sum(' || sums[k] || ')';
        moved := moved || CASE WHEN k > 1 THEN ' OR ' ELSE '' END
            || 'sum(' || sums[k] || ') <> 0';
        added := added || CASE WHEN k > 1 THEN ', ' ELSE '' END
            || sums[k] || ' = t.' || sums[k] || ' + EXCLUDED.' || sums[k];
    END LOOP;
    EXECUTE 'INSERT INTO ' || target || ' AS t (' || key_list || ', '
        || array_to_string(sums, ', ') || ') '
        || 'SELECT ' || key_list || sum_cols || ' FROM (SELECT ' || inner_cols
        || ' FROM (' || rows_sql || ') r WHERE ' || counts || ') d '
        || 'GROUP BY ' || key_list || ' HAVING ' || moved || ' ORDER BY ' || key_list
        || ' ON CONFLICT (' || key_list || ') DO UPDATE SET ' || added;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Each source, for each event (transition tables allow one event per trigger).
DO $$
DECLARE
    src RECORD;
    ev TEXT;
    refs TEXT;
BEGIN
    FOR src IN SELECT * FROM (VALUES
        ('invoices', 'report_slots', 'status NOT IN (''draft'', ''void'') AND discarded_at IS NULL',
         '{business_id,slot,currency}', '{business_id,report_slot(issued_at),currency}',
         '{invoiced_cents,invoiced_count}', '{total_cents,1}'),
        ('credit_notes', 'report_slots', 'discarded_at IS NULL',
         '{business_id,slot,currency}', '{business_id,report_slot(issued_at),currency}',
         '{credited_cents,credited_count}', '{total_cents,1}'),
        ('payments', 'report_slots', 'discarded_at IS NULL',
         '{business_id,slot,currency}', '{business_id,report_slot(paid_at),currency}',
         '{paid_cents,paid_count}', '{amount_cents,1}'),
        ('payment_refunds', 'report_slots', 'payment_live',
         '{business_id,slot,currency}', '{business_id,report_slot(refunded_at),currency}',
         '{refunded_cents,refunded_count}', '{amount_cents,1}'),
        ('invoice_taxes', 'report_tax_slots', 'counted_at IS NOT NULL',
         '{business_id,slot,currency,tax_id,tax_rate,category}',
         '{business_id,report_slot(counted_at),currency,tax_id,tax_rate,category}',
         '{invoiced_cents,invoice_count}', '{amount_cents,1}'),
        ('credit_note_taxes', 'report_tax_slots', 'counted_at IS NOT NULL',
         '{business_id,slot,currency,tax_id,tax_rate,category}',
         '{business_id,report_slot(counted_at),currency,tax_id,tax_rate,category}',
         '{credited_cents,credited_count}', '{amount_cents,1}')
    ) AS s (source, target, counts, keys, key_exprs, sums, sum_exprs)
    LOOP
        FOREACH ev IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
            refs := CASE ev
                WHEN 'INSERT' THEN 'NEW TABLE AS new_rows'
                WHEN 'DELETE' THEN 'OLD TABLE AS old_rows'
                ELSE 'OLD TABLE AS old_rows NEW TABLE AS new_rows'
            END;
            EXECUTE format(
                'CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s FOR EACH STATEMENT '
                || 'EXECUTE FUNCTION report_slots_apply(%L, %L, %L, %L, %L, %L)',
                src.source || '_report_' || lower(ev), ev, src.source, refs,
                src.target, src.counts, src.keys, src.key_exprs, src.sums, src.sum_exprs);
        END LOOP;
    END LOOP;
END;
$$;

-- The open balances (the summary's outstanding and overdue, the aging report) are read
-- from the open invoices alone, from the index without the table.
CREATE INDEX invoices_open_by_customer_idx
    ON invoices (business_id, customer_id, currency, due_at) INCLUDE (balance_cents)
    WHERE balance_cents > 0 AND discarded_at IS NULL AND status NOT IN ('draft', 'void');
CREATE INDEX invoices_open_by_issue_idx
    ON invoices (business_id, issued_at) INCLUDE (currency, balance_cents, due_at)
    WHERE balance_cents > 0 AND discarded_at IS NULL AND status NOT IN ('draft', 'void');
-- The tax report's names: the line of a tax, rate and category on the period's latest
-- document.
CREATE INDEX invoice_taxes_named_idx
    ON invoice_taxes (business_id, tax_id, tax_rate, category, currency, counted_at, id)
    INCLUDE (tax_name) WHERE counted_at IS NOT NULL;
CREATE INDEX credit_note_taxes_named_idx
    ON credit_note_taxes (business_id, tax_id, tax_rate, category, currency, counted_at, id)
    INCLUDE (tax_name) WHERE counted_at IS NOT NULL;
