-- A spent token may be pruned while the token that replaced it lives on: the newer one
-- then loses its link to it (the family, family_id, still ties them), instead of the
-- old one being kept forever.
ALTER TABLE oauth_access_tokens
    DROP CONSTRAINT oauth_access_tokens_previous_token_id_fkey,
    ADD CONSTRAINT oauth_access_tokens_previous_token_id_fkey
        FOREIGN KEY (previous_token_id) REFERENCES oauth_access_tokens (id) ON DELETE SET NULL;
