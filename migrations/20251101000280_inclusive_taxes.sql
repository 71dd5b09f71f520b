-- Taxes included in the prices (`money::inclusive`): a tax is inclusive or not, and each
-- document's tax line keeps the flag as applied, beside its name and rate, so changing
-- the tax later does not change the documents already priced with it. Existing taxes
-- and tax lines are exclusive, as they were computed.
ALTER TABLE taxes ADD COLUMN inclusive BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE invoice_taxes ADD COLUMN inclusive BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE quote_taxes ADD COLUMN inclusive BOOLEAN NOT NULL DEFAULT false;
