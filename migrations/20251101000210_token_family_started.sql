-- A token family (a consent and every refresh after it) ends REFRESH_TOKEN_LIFETIME_DAYS
-- after its consent, however often it is refreshed. Each row carries when its family
-- began, since the family's first rows are pruned long before the family ends.
ALTER TABLE oauth_access_tokens ADD COLUMN family_started_at TIMESTAMPTZ;
UPDATE oauth_access_tokens t SET family_started_at = f.started
FROM (SELECT family_id, min(created_at) AS started
      FROM oauth_access_tokens GROUP BY family_id) f
WHERE f.family_id = t.family_id;
ALTER TABLE oauth_access_tokens ALTER COLUMN family_started_at SET NOT NULL;
