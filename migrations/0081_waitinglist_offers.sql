-- +migrate Up
-- How an event fills a freed place: 'confirm' gives it to the first on
-- the waiting list at once (as always), 'offer' offers it to them for
-- offer_hours; they take it, decline it, or let it lapse, and then it is
-- offered to the next. A place on offer is reserved: nobody else is
-- confirmed into it meanwhile.
ALTER TABLE events
    ADD COLUMN freed_places text NOT NULL DEFAULT 'confirm' CHECK (freed_places IN ('confirm', 'offer')),
    ADD COLUMN offer_hours integer NOT NULL DEFAULT 48 CHECK (offer_hours BETWEEN 1 AND 720);

CREATE TABLE waitinglist_offers (
    id              bigserial PRIMARY KEY,
    event_id        bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    registration_id bigint NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    offered_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'taken', 'declined', 'lapsed', 'withdrawn')),
    closed_at       timestamptz
);
-- One open offer per person; the job looks for the lapsed ones.
CREATE UNIQUE INDEX waitinglist_offers_open_key ON waitinglist_offers (registration_id) WHERE state = 'open';
CREATE INDEX waitinglist_offers_expiry_idx ON waitinglist_offers (expires_at) WHERE state = 'open';
CREATE INDEX waitinglist_offers_event_idx ON waitinglist_offers (event_id) WHERE state = 'open';

-- +migrate Down
DROP TABLE waitinglist_offers;
ALTER TABLE events DROP COLUMN offer_hours, DROP COLUMN freed_places;
