-- Anonymous proposals: an event proposed by a visitor is stored as an
-- ordinary event with moderation 'pending'; who proposed it, and how to
-- reach them, stays here, in a table no public output reads. The address
-- (reduced to what the throttle counts: an IPv4 address, an IPv6 /64) only
-- bounds how many proposals one client makes.
CREATE TABLE proposals (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL UNIQUE REFERENCES events(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    contact     TEXT NOT NULL,
    address_key TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX proposals_address ON proposals(address_key, created_at);
