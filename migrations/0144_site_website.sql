-- +migrate Up
-- The association's website, set in the browser like its name; empty
-- falls back to ORG_WEBSITE.
ALTER TABLE site_settings ADD COLUMN website text NOT NULL DEFAULT ''
    CHECK (website = '' OR (website ~ '^https?://[^\s]+$' AND length(website) <= 200));

-- +migrate Down
ALTER TABLE site_settings DROP COLUMN website;
