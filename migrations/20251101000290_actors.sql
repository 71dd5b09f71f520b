-- Who did what (issue 21 §5). A write's transaction names its actor in the setting
-- `koteshen.actor` (JSON {"type": user|client|system, "id", "name"}; `actor::assume`);
-- the database stamps it where the write records something, so no code passes it on.
-- A transaction that names none records the system.
CREATE FUNCTION current_actor() RETURNS jsonb AS $$
    SELECT coalesce(nullif(current_setting('koteshen.actor', true), '')::jsonb,
                    '{"type": "system", "id": null, "name": "system"}'::jsonb)
$$ LANGUAGE sql STABLE;

-- A client-credentials token acts as its application, not as the owner it bills for.
ALTER TABLE oauth_access_tokens
    ADD COLUMN client_credentials BOOLEAN NOT NULL DEFAULT false;

-- Every event records its actor. Events from before this migration did not know it.
ALTER TABLE events
    ADD COLUMN actor JSONB NOT NULL
        DEFAULT '{"type": "system", "id": null, "name": "unrecorded"}'::jsonb;
ALTER TABLE events ALTER COLUMN actor SET DEFAULT current_actor();
ALTER TABLE events ADD CONSTRAINT events_actor_type
    CHECK (actor->>'type' IN ('user', 'client', 'system'));

-- The event log is the audit trail: append-only. No UPDATE ever; a DELETE only from the
-- retention prune (`billing::events::prune_events`, which says so in its transaction:
-- `koteshen.prune = events`).
CREATE FUNCTION events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('koteshen.prune', true) = 'events' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- Who created, sent (first: the draft became sent) and voided a document, and when it
-- was sent. Documents from before this migration leave them null.
ALTER TABLE invoices
    ADD COLUMN created_by JSONB,
    ADD COLUMN sent_at TIMESTAMPTZ,
    ADD COLUMN sent_by JSONB,
    ADD COLUMN voided_by JSONB;
ALTER TABLE quotes
    ADD COLUMN created_by JSONB,
    ADD COLUMN sent_at TIMESTAMPTZ,
    ADD COLUMN sent_by JSONB;

CREATE FUNCTION stamp_invoice_actors() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_by := coalesce(NEW.created_by, current_actor());
    ELSE
        IF OLD.status = 'draft' AND NEW.status = 'sent' AND NEW.sent_by IS NULL THEN
            NEW.sent_by := current_actor();
            NEW.sent_at := NEW.updated_at;
        END IF;
        IF OLD.status <> 'void' AND NEW.status = 'void' THEN
            NEW.voided_by := current_actor();
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER invoices_actors BEFORE INSERT OR UPDATE OF status ON invoices
    FOR EACH ROW EXECUTE FUNCTION stamp_invoice_actors();

CREATE FUNCTION stamp_quote_actors() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.created_by := coalesce(NEW.created_by, current_actor());
    ELSIF OLD.status = 'draft' AND NEW.status = 'sent' AND NEW.sent_by IS NULL THEN
        NEW.sent_by := current_actor();
        NEW.sent_at := NEW.updated_at;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER quotes_actors BEFORE INSERT OR UPDATE OF status ON quotes
    FOR EACH ROW EXECUTE FUNCTION stamp_quote_actors();
