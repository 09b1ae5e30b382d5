-- +migrate Up
-- Lists sorted by name put "Ödön" after "Zoë": the cluster's collation
-- (C.UTF-8) orders by code point. alphabetical is the Unicode root order
-- (ICU's "und"), which sorts letters with accents and umlauts beside
-- their base letters and ß as ss, as German dictionaries and phone books
-- do, whatever the server's locale. A server built without ICU gets the
-- code point order it had, rather than a migration that cannot run.
-- +migrate StatementBegin
DO $$
BEGIN
    CREATE COLLATION alphabetical (provider = icu, locale = 'und');
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR undefined_object THEN
    CREATE COLLATION alphabetical FROM "C";
END
$$;
-- +migrate StatementEnd

-- +migrate Down
DROP COLLATION alphabetical;
