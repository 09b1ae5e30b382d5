-- +migrate Up
-- The membership types an association offers, editable in the admin. The
-- key is what persons, applications, the fee schedule and the JSON API
-- store; it follows the fee schedule's category pattern so a type is a
-- category of the schedule. A type in use is hidden, never deleted.
CREATE TABLE membership_types (
    id             bigserial PRIMARY KEY,
    key            text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{1,39}$'),
    name_de        text NOT NULL CHECK (length(name_de) BETWEEN 1 AND 200),
    name_en        text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
    description_de text NOT NULL DEFAULT '' CHECK (length(description_de) <= 2000),
    description_en text NOT NULL DEFAULT '' CHECK (length(description_en) <= 2000),
    position       integer NOT NULL DEFAULT 100,
    -- public types may be chosen on the membership form.
    public         boolean NOT NULL DEFAULT true,
    -- hidden types are offered for no new choice but still shown where used.
    hidden         boolean NOT NULL DEFAULT false,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- PeP's two types with the keys the import and the JSON API know.
INSERT INTO membership_types (key, name_de, name_en, description_de, description_en, position) VALUES
    ('ordentlich', 'ordentliches Mitglied', 'regular member',
     'Für aktuelle und ehemalige Angehörige der Fakultät Physik: Studierende, Promovierende, Mitarbeitende und Ehemalige.',
     'For current and former members of the physics faculty: students, PhD students, staff and alumni.', 10),
    ('ausserordentlich', 'außerordentliches Mitglied', 'extraordinary member',
     'Für alle anderen, die den Verein unterstützen möchten.',
     'For everybody else who wants to support the association.', 20);

ALTER TABLE persons DROP CONSTRAINT persons_membership_type_check,
    ADD CONSTRAINT persons_membership_type_fkey FOREIGN KEY (membership_type) REFERENCES membership_types (key);
ALTER TABLE membership_applications DROP CONSTRAINT membership_applications_membership_type_check,
    ADD CONSTRAINT membership_applications_membership_type_fkey FOREIGN KEY (membership_type) REFERENCES membership_types (key);
CREATE INDEX persons_membership_type_idx ON persons (membership_type);
CREATE INDEX membership_applications_membership_type_idx ON membership_applications (membership_type);

-- A type's key is how persons, applications and the fee schedule name
-- it: once one of them does, the key stays and the row stays (it can be
-- hidden). The fee schedule's categories are types or reduced categories,
-- so no foreign key can say this for it.
-- +migrate StatementBegin
CREATE FUNCTION membership_types_keep_used() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.key = NEW.key THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM persons WHERE membership_type = OLD.key)
       OR EXISTS (SELECT 1 FROM membership_applications WHERE membership_type = OLD.key)
       OR EXISTS (SELECT 1 FROM fee_rates WHERE category = OLD.key)
       OR EXISTS (SELECT 1 FROM fee_categories WHERE category = OLD.key) THEN
        RAISE EXCEPTION 'membership type % is in use', OLD.key
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'membership_types_in_use';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
-- +migrate StatementEnd
CREATE TRIGGER membership_types_keep_used BEFORE UPDATE OF key OR DELETE ON membership_types
    FOR EACH ROW EXECUTE FUNCTION membership_types_keep_used();

-- +migrate Down
DROP TRIGGER membership_types_keep_used ON membership_types;
DROP FUNCTION membership_types_keep_used();
DROP INDEX membership_applications_membership_type_idx;
DROP INDEX persons_membership_type_idx;
ALTER TABLE membership_applications DROP CONSTRAINT membership_applications_membership_type_fkey,
    ADD CONSTRAINT membership_applications_membership_type_check CHECK (membership_type IN ('ordentlich', 'ausserordentlich'));
ALTER TABLE persons DROP CONSTRAINT persons_membership_type_fkey,
    ADD CONSTRAINT persons_membership_type_check CHECK (membership_type IN ('ordentlich', 'ausserordentlich'));
DROP TABLE membership_types;
