-- The user an application's client-credentials tokens act for (RFC 6749 §4.4). NULL:
-- the application cannot use that grant (applications made before it existed, and those
-- made without --owner-email).
ALTER TABLE oauth_applications ADD COLUMN owner_id BIGINT REFERENCES users (id);
