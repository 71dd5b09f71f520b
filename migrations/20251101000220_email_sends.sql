-- The emails each business has queued, counted against its quota per rolling hour and
-- day (`billing::emailed`). `sent_at` is when the email may go out: a sweep's email
-- past the quota waits and is counted at its later time. Rows older than a day are
-- deleted as the business sends more.
CREATE TABLE email_sends (
    id          BIGSERIAL PRIMARY KEY,
    business_id BIGINT NOT NULL REFERENCES businesses (id),
    sent_at     TIMESTAMPTZ NOT NULL
);

CREATE INDEX email_sends_business_sent_idx ON email_sends (business_id, sent_at DESC);
