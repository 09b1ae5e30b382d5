-- +migrate Up
-- The fee schedule: an amount per category (the membership types and
-- reduced categories such as students), each valid from a date, so past
-- years keep their amounts.
CREATE TABLE fee_rates (
    id          bigserial PRIMARY KEY,
    category    text NOT NULL CHECK (category ~ '^[a-z][a-z0-9_]{1,39}$'),
    cents       bigint NOT NULL CHECK (cents >= 0 AND cents <= 100000000),
    valid_from  date NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (category, valid_from)
);

-- A member's SEPA direct debit mandate. The IBAN is only stored sealed
-- (AES-256-GCM with SEPA_KEY) and masked; original_iban_sealed is the
-- account of the last collection while the member has changed it since,
-- which the next collection must name (the amendment).
CREATE TABLE sepa_mandates (
    id                   bigserial PRIMARY KEY,
    person_id            bigint NOT NULL REFERENCES persons (id),
    reference            text NOT NULL UNIQUE CHECK (reference ~ '^[A-Za-z0-9+?:().,'' -][A-Za-z0-9+?/:().,'' -]{0,34}$'),
    account_holder       text NOT NULL CHECK (length(account_holder) BETWEEN 1 AND 70),
    iban_sealed          bytea NOT NULL,
    iban_masked          text NOT NULL,
    bic                  text,
    address_lines        text[] NOT NULL DEFAULT '{}',
    country              text,
    signed_on            date NOT NULL,
    paper                boolean NOT NULL DEFAULT false,
    original_iban_sealed bytea,
    last_collected_on    date,
    revoked_at           timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sepa_mandates_active_idx ON sepa_mandates (person_id) WHERE revoked_at IS NULL;

-- A collection run: one due date, one bank file. Once submitted it does
-- not change.
CREATE TABLE fee_runs (
    id           bigserial PRIMARY KEY,
    year         int NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    due_on       date NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz
);

-- A member's fee of a year. A fee collected by direct debit keeps what
-- went into the bank file (sealed), so the file can be downloaded again
-- unchanged.
CREATE TABLE fees (
    id                   bigserial PRIMARY KEY,
    person_id            bigint NOT NULL REFERENCES persons (id),
    year                 int NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    cents                bigint NOT NULL CHECK (cents >= 0),
    status               text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'paid', 'returned', 'waived')),
    run_id               bigint REFERENCES fee_runs (id),
    excluded             boolean NOT NULL DEFAULT false,
    mandate_id           bigint REFERENCES sepa_mandates (id),
    mandate_reference    text,
    signed_on            date,
    sequence             text CHECK (sequence IN ('FRST', 'RCUR')),
    account_holder       text,
    iban_sealed          bytea,
    original_iban_sealed bytea,
    bic                  text,
    country              text,
    address_lines        text[] NOT NULL DEFAULT '{}',
    return_reason        text CHECK (return_reason ~ '^[A-Z0-9]{4}$'),
    returned_at          timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (person_id, year)
);
CREATE INDEX fees_run_idx ON fees (run_id);

-- +migrate Down
DROP TABLE fees;
DROP TABLE fee_runs;
DROP TABLE sepa_mandates;
DROP TABLE fee_rates;
