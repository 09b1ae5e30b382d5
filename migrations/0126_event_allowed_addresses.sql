-- +migrate Up
-- force_tu_mail with its one address pattern from the configuration
-- becomes each event's own pattern (empty: anyone) with the organiser's
-- message for an address that does not match (empty: a generic one).
ALTER TABLE events
    ADD COLUMN allowed_addresses            text NOT NULL DEFAULT '' CHECK (length(allowed_addresses) <= 500),
    ADD COLUMN allowed_addresses_message_de text NOT NULL DEFAULT '' CHECK (length(allowed_addresses_message_de) <= 500),
    ADD COLUMN allowed_addresses_message_en text NOT NULL DEFAULT '' CHECK (length(allowed_addresses_message_en) <= 500);

UPDATE events SET
    allowed_addresses = '^[a-z-]+\.[a-z-]+@tu-dortmund\.de$',
    allowed_addresses_message_de = CASE formality
        WHEN 'sie' THEN 'Für diese Veranstaltung brauchen Sie Ihre TU-Adresse: vorname.nachname@tu-dortmund.de.'
        ELSE 'Für diese Veranstaltung brauchst du deine TU-Adresse: vorname.nachname@tu-dortmund.de.' END,
    allowed_addresses_message_en = 'This event needs your TU address: firstname.lastname@tu-dortmund.de.'
WHERE force_tu_mail;

ALTER TABLE events DROP COLUMN force_tu_mail;

-- +migrate Down
ALTER TABLE events ADD COLUMN force_tu_mail boolean NOT NULL DEFAULT false;
UPDATE events SET force_tu_mail = allowed_addresses <> '';
ALTER TABLE events DROP COLUMN allowed_addresses_message_en,
    DROP COLUMN allowed_addresses_message_de,
    DROP COLUMN allowed_addresses;
