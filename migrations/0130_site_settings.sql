-- +migrate Up
-- The association's own look and words, set in the browser (app/site):
-- one row. Empty values fall back to the configuration (ORG_NAME,
-- ORG_EMAIL). Every instance caches the row; a change notifies them all
-- through the channel of migration 0091.
CREATE TABLE site_settings (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    org_name text NOT NULL DEFAULT '' CHECK (length(org_name) <= 200),
    -- The association's contact address, shown on pages and in mails.
    contact_address text NOT NULL DEFAULT '' CHECK (length(contact_address) <= 254),
    accent text NOT NULL DEFAULT '' CHECK (accent = '' OR accent ~ '^#[0-9a-f]{6}$'),
    -- The logo as served: sanitised SVG or re-encoded PNG/JPEG.
    logo bytea CHECK (octet_length(logo) <= 1048576),
    logo_type text CHECK (logo_type IN ('image/svg+xml', 'image/png', 'image/jpeg')),
    CHECK ((logo IS NULL) = (logo_type IS NULL)),
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO site_settings DEFAULT VALUES;
CREATE TRIGGER site_settings_notify_pages AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON site_settings
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_pages();

-- +migrate Down
DROP TABLE site_settings;
