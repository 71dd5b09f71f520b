-- Indexes for the Ransack filters Koteshen's pages show on the invoice list that no
-- index served yet: `q[notes_cont]=urgent` (trigram, like the number search) and
-- `q[balance_gt]=…` (what is still owed). The other invoice attributes were indexed.
CREATE INDEX invoices_notes_search_idx ON invoices USING gin (notes gin_trgm_ops);
CREATE INDEX invoices_business_balance_idx ON invoices (business_id, balance_cents, id);
