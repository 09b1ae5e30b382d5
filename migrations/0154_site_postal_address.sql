-- +migrate Up
-- The association's postal address, set in the browser like its name: the
-- legal pages and the privacy statement's draft show it. Empty falls back
-- to ORG_ADDRESS.
ALTER TABLE site_settings ADD COLUMN postal_address text NOT NULL DEFAULT ''
    CHECK (length(postal_address) <= 500);

-- +migrate Down
ALTER TABLE site_settings DROP COLUMN postal_address;
