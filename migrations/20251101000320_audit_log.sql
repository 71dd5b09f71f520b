-- Every write records its actor (issue 21 §5), not only the writes that raise an event:
-- a row per inserted, updated or deleted record of the business's tables, with the
-- transaction's actor (`current_actor()`, from `koteshen.actor`; the system when a
-- sweep or job names none) and the time. Written by the database itself, so no write
-- path can forget it; append-only like the event log, and kept (it is the audit trail).
CREATE TABLE audit_log (
    id           BIGSERIAL PRIMARY KEY,
    business_id  BIGINT,
    table_name   TEXT NOT NULL,
    row_id       BIGINT NOT NULL,
    operation    TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
    actor        JSONB NOT NULL,
    at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_business_idx ON audit_log (business_id, id);
CREATE INDEX audit_log_row_idx ON audit_log (table_name, row_id, id);

CREATE FUNCTION audit_row() RETURNS trigger AS $$
DECLARE
    r jsonb;
BEGIN
    r := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    INSERT INTO audit_log (business_id, table_name, row_id, operation, actor)
    VALUES (coalesce((r->>'business_id')::bigint,
                     CASE WHEN TG_TABLE_NAME = 'businesses' THEN (r->>'id')::bigint END),
            TG_TABLE_NAME, (r->>'id')::bigint, lower(TG_OP), current_actor());
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['businesses', 'customers', 'taxes', 'payment_terms', 'invoices',
                             'quotes', 'payments', 'payment_refunds', 'credit_notes',
                             'credit_applications', 'invoice_reminders',
                             'invoice_subscriptions', 'webhook_endpoints', 'document_links']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                            FOR EACH ROW EXECUTE FUNCTION audit_row()', t || '_audit', t);
    END LOOP;
END;
$$;

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
