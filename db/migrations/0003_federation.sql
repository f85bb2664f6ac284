-- Federation: remote actors and their keys, who follows our actors, what we
-- follow, the objects we published (so that ids stay stable and deleted ones
-- answer 410 forever), the outgoing activity queue and the incoming one.

-- Remote actors we met (signers, followers, followed sources), with the key
-- used to check their signatures.
CREATE TABLE remote_actors (
    ap_id              TEXT PRIMARY KEY,
    type               TEXT NOT NULL DEFAULT '',
    preferred_username TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL DEFAULT '',
    inbox              TEXT NOT NULL DEFAULT '',
    shared_inbox       TEXT NOT NULL DEFAULT '',
    outbox             TEXT NOT NULL DEFAULT '',
    key_id             TEXT NOT NULL DEFAULT '',
    public_key_pem     TEXT NOT NULL DEFAULT '',
    fetched_at         TEXT NOT NULL
) WITHOUT ROWID;

-- Remote actors following one of our actors: an association's Group
-- (association_id) or the instance relay (association_id = 0).
CREATE TABLE followers (
    id             INTEGER PRIMARY KEY,
    association_id INTEGER NOT NULL DEFAULT 0,
    actor_id       TEXT NOT NULL,
    follow_id      TEXT NOT NULL,
    follow_json    TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (association_id, actor_id)
);
CREATE INDEX followers_state ON followers(association_id, state);

-- Remote sources we follow (a Mobilizon group, an instance relay). Their
-- events land in the remote calendar whose source is object.
CREATE TABLE follows (
    id              INTEGER PRIMARY KEY,
    object          TEXT NOT NULL UNIQUE,
    follow_id       TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
    trusted         INTEGER NOT NULL DEFAULT 0,
    calendar_id     INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    refreshed_at    TEXT NOT NULL DEFAULT ''
);

-- Every object we published (an event, or one occurrence of a series), by
-- its ActivityPub id. state 'deleted' makes its URL answer 410 forever.
CREATE TABLE published_objects (
    object_uuid    TEXT PRIMARY KEY,
    event_uuid     TEXT NOT NULL,
    recurrence_id  TEXT NOT NULL DEFAULT '',
    association_id INTEGER NOT NULL,
    start_utc      TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL CHECK (state IN ('live', 'deleted')),
    body_hash      TEXT NOT NULL DEFAULT '',
    published_at   TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX published_objects_event ON published_objects(event_uuid);
CREATE INDEX published_objects_assoc ON published_objects(association_id, state, start_utc);

-- Outgoing activities, signed by an association's Group (association_id)
-- or by the relay (0). Kept while deliveries refer to them.
CREATE TABLE activities (
    id             INTEGER PRIMARY KEY,
    ap_id          TEXT NOT NULL UNIQUE,
    association_id INTEGER NOT NULL DEFAULT 0,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

-- One row per (activity, inbox): the durable delivery queue.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    inbox       TEXT NOT NULL,
    host        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'done', 'dead')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT NOT NULL,
    last_status INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (activity_id, inbox)
);
CREATE INDEX deliveries_due ON deliveries(state, next_at);

-- Activity ids already accepted at the inbox, against replays.
CREATE TABLE inbox_seen (
    activity_id TEXT PRIMARY KEY,
    seen_at     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX inbox_seen_at ON inbox_seen(seen_at);

-- Accepted incoming activities waiting to be processed by the worker.
CREATE TABLE inbox_queue (
    id          INTEGER PRIMARY KEY,
    activity_id TEXT NOT NULL,
    signer      TEXT NOT NULL,
    body        TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL
);
CREATE INDEX inbox_queue_due ON inbox_queue(next_at);
