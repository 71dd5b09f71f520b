-- E-invoices (EN 16931, issue 22): what the standard needs that the documents did not
-- keep. Each tax has a VAT category (UNCL 5305: S standard, Z zero-rated, E exempt, AE
-- reverse charge, K intra-community supply, G export outside the EU, O outside the
-- scope of VAT) and, for the categories that are not taxed, the exemption reason as
-- text and/or a VATEX code; the documents' tax lines keep all three as applied, beside
-- the name, rate and inclusive flag (migration 280), so changing the tax later does not
-- change an issued document. The API validates the combinations (billing::taxes); the
-- CHECKs are the last line.
ALTER TABLE taxes
    ADD COLUMN category TEXT NOT NULL DEFAULT 'S'
        CHECK (category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O')),
    ADD COLUMN exemption_reason TEXT CHECK (length(exemption_reason) <= 1000),
    ADD COLUMN exemption_reason_code TEXT CHECK (length(exemption_reason_code) <= 30);
ALTER TABLE invoice_taxes
    ADD COLUMN category TEXT NOT NULL DEFAULT 'S',
    ADD COLUMN exemption_reason TEXT,
    ADD COLUMN exemption_reason_code TEXT;
ALTER TABLE quote_taxes
    ADD COLUMN category TEXT NOT NULL DEFAULT 'S',
    ADD COLUMN exemption_reason TEXT,
    ADD COLUMN exemption_reason_code TEXT;
-- A 0 % tax was a zero-rated one (standard-rated needs a rate above 0).
UPDATE taxes SET category = 'Z' WHERE rate = 0;
UPDATE invoice_taxes SET category = 'Z' WHERE tax_rate = 0;
UPDATE quote_taxes SET category = 'Z' WHERE tax_rate = 0;

-- Each line's unit of measure (UN/ECE Recommendation 20; C62 "one", a piece).
ALTER TABLE invoice_items
    ADD COLUMN unit_code TEXT NOT NULL DEFAULT 'C62' CHECK (unit_code ~ '^[A-Z0-9]{1,3}$');
ALTER TABLE quote_items
    ADD COLUMN unit_code TEXT NOT NULL DEFAULT 'C62' CHECK (unit_code ~ '^[A-Z0-9]{1,3}$');

-- The buyer's own references an e-invoice carries: the buyer reference (BT-10, a
-- Leitweg-ID in Germany) and the purchase order (BT-13). Part of the issued document,
-- locked with its other content once it is issued.
ALTER TABLE invoices
    ADD COLUMN buyer_reference TEXT CHECK (length(buyer_reference) <= 200),
    ADD COLUMN purchase_order TEXT CHECK (length(purchase_order) <= 200);
