-- The payments list filters by payment method within a business.
CREATE INDEX payments_business_method_idx ON payments (business_id, payment_method, paid_at, id);
