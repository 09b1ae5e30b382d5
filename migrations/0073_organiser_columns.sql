-- +migrate Up
-- The answer columns an organiser hid on an event's participants page and
-- in its CSV download. Each organiser chooses for themselves: a colleague
-- who hides the diet column to print name tags must not take it away from
-- the one ordering the food. Hidden rather than shown columns are kept, so
-- a question added to the form later shows up until someone hides it.
CREATE TABLE organiser_columns (
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- Dotted keys of the answers (languages.python), as the form names them.
    hidden     text[] NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, event_id)
);
CREATE INDEX organiser_columns_event_idx ON organiser_columns (event_id);

-- +migrate Down
DROP TABLE organiser_columns;
