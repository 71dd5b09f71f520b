-- Applications registered in the dashboard (issue 23) belong to a business: its pages
-- list and change only that business's. An application the CLI made for an owner
-- (client credentials) belongs to the owner's business; one made without an owner
-- belongs to none and is managed with the CLI only.
ALTER TABLE oauth_applications ADD COLUMN business_id BIGINT REFERENCES businesses (id);
UPDATE oauth_applications a SET business_id = u.business_id
FROM users u WHERE a.owner_id = u.id;
CREATE INDEX oauth_applications_business_idx ON oauth_applications (business_id, id);
