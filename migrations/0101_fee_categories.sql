-- +migrate Up
-- A member who pays a reduced fee (e.g. students) has the schedule's
-- category here; everyone else pays by membership type.
CREATE TABLE fee_categories (
    person_id   bigint PRIMARY KEY REFERENCES persons (id),
    category    text NOT NULL CHECK (category ~ '^[a-z][a-z0-9_]{1,39}$'),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- +migrate Down
DROP TABLE fee_categories;
