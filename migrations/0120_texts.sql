-- +migrate Up
-- The association's own words (app/texts): edited mail texts and page
-- texts, per language. A missing row means the default text of the code.
-- Every instance caches them; a change notifies all (memberdb_pages, as
-- migration 0091), which also drops the cached public pages that show
-- them. The association's words, not personal data: no column is named
-- like one (app/server's personal data test).
CREATE TABLE mail_texts (
    key        text NOT NULL CHECK (key ~ '^[a-z_]+/[a-z_]+$'),
    lang       text NOT NULL CHECK (lang IN ('de', 'en')),
    subject    text NOT NULL CHECK (length(subject) <= 500),
    text       text NOT NULL CHECK (length(text) <= 20000),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, lang)
);

CREATE TABLE page_texts (
    key        text NOT NULL CHECK (key IN ('home', 'apply', 'footer', 'impressum', 'datenschutz')),
    lang       text NOT NULL CHECK (lang IN ('de', 'en')),
    html       text NOT NULL CHECK (length(html) <= 100000),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, lang)
);

CREATE TRIGGER mail_texts_notify_pages AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mail_texts
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_pages();
CREATE TRIGGER page_texts_notify_pages AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON page_texts
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_pages();

-- +migrate Down
DROP TABLE page_texts;
DROP TABLE mail_texts;
