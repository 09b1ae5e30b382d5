-- +migrate Up
-- What someone submitted at /register/. Nothing about the person changes
-- until the mailed link is followed: then this row's name and type are
-- applied. The verification token's subject is this row, so each link carries
-- exactly the data submitted with it.
CREATE TABLE membership_applications (
    id              bigserial PRIMARY KEY,
    person_id       bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    name            text NOT NULL,
    membership_type text NOT NULL CHECK (membership_type IN ('ordentlich', 'ausserordentlich')),
    language        text NOT NULL DEFAULT 'de' CHECK (language IN ('de', 'en')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    verified_at     timestamptz
);
CREATE INDEX membership_applications_person_idx ON membership_applications (person_id, verified_at);

-- A member's wish to have their data erased; the board decides.
CREATE TABLE deletion_requests (
    id           bigserial PRIMARY KEY,
    person_id    bigint NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    requested_at timestamptz NOT NULL DEFAULT now(),
    done_at      timestamptz
);
-- One open request per person; asking twice changes nothing.
CREATE UNIQUE INDEX deletion_requests_open_key ON deletion_requests (person_id) WHERE done_at IS NULL;

-- The relations to the university people choose from; admins may edit them.
INSERT INTO tu_status (name, position) VALUES
    ('Studentin/Student', 10),
    ('Doktorandin/Doktorand', 20),
    ('Alumna/Alumnus', 30),
    ('Mitarbeiterin/Mitarbeiter, Lehrende', 40),
    ('Sonstiges', 50)
ON CONFLICT (name) DO NOTHING;

-- +migrate Down
DROP TABLE deletion_requests;
DROP TABLE membership_applications;
