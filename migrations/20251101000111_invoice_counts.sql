-- The number of invoices per business, kept by triggers in the transaction of every
-- change, so that an unfiltered list page reads its `meta.pagination.total_count` from
-- one row instead of counting the whole table (which grows with it). `live` counts the
-- invoices not deleted (the default list), `total` every one (`include_deleted=true`).
-- Filtered lists still count.
CREATE TABLE invoice_counts (
    business_id  BIGINT PRIMARY KEY REFERENCES businesses (id),
    live         BIGINT NOT NULL DEFAULT 0,
    total        BIGINT NOT NULL DEFAULT 0
);

INSERT INTO invoice_counts (business_id, live, total)
SELECT business_id, count(*) FILTER (WHERE discarded_at IS NULL), count(*)
FROM invoices GROUP BY business_id;

-- One statement-level trigger per event (transition tables allow no more), one function.
-- An update that changes no count (payments, status changes: the HAVING) writes nothing,
-- so it never waits on the business's counter row.
CREATE FUNCTION invoice_counts_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO invoice_counts AS c (business_id, live, total)
        SELECT business_id, count(*) FILTER (WHERE discarded_at IS NULL), count(*)
        FROM new_rows GROUP BY business_id
        ON CONFLICT (business_id) DO UPDATE
            SET live = c.live + EXCLUDED.live, total = c.total + EXCLUDED.total;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE invoice_counts c SET live = c.live - d.live, total = c.total - d.total
        FROM (SELECT business_id, count(*) FILTER (WHERE discarded_at IS NULL) AS live,
                     count(*) AS total
              FROM old_rows GROUP BY business_id) d
        WHERE c.business_id = d.business_id;
    ELSE
        INSERT INTO invoice_counts AS c (business_id, live, total)
        SELECT business_id, sum(live), sum(total)
        FROM (SELECT business_id, (discarded_at IS NULL)::int AS live, 1 AS total
              FROM new_rows
              UNION ALL
              SELECT business_id, -(discarded_at IS NULL)::int, -1 FROM old_rows) d
        GROUP BY business_id
        HAVING sum(live) <> 0 OR sum(total) <> 0
        ON CONFLICT (business_id) DO UPDATE
            SET live = c.live + EXCLUDED.live, total = c.total + EXCLUDED.total;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER invoice_counts_insert AFTER INSERT ON invoices
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_apply();
CREATE TRIGGER invoice_counts_update AFTER UPDATE ON invoices
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_apply();
CREATE TRIGGER invoice_counts_delete AFTER DELETE ON invoices
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_counts_apply();
