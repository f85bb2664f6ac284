-- Bastide schema, version 1: people, associations, calendars, events and
-- their occurrences, places, and the change log that every event write feeds.
-- Times are UTC text in the layout 2006-01-02T15:04:05Z.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    admin         INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE app_passwords (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT '',
    UNIQUE (user_id, name)
);

CREATE TABLE associations (
    id                          INTEGER PRIMARY KEY,
    slug                        TEXT NOT NULL UNIQUE,
    name                        TEXT NOT NULL,
    description                 TEXT NOT NULL DEFAULT '',
    website                     TEXT NOT NULL DEFAULT '',
    email                       TEXT NOT NULL DEFAULT '',
    commune_insee               TEXT NOT NULL DEFAULT '',
    private_key_pem             TEXT NOT NULL DEFAULT '',
    public_key_pem              TEXT NOT NULL DEFAULT '',
    manually_approves_followers INTEGER NOT NULL DEFAULT 0,
    created_at                  TEXT NOT NULL
);

CREATE TABLE memberships (
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    association_id INTEGER NOT NULL REFERENCES associations(id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    PRIMARY KEY (user_id, association_id)
);
CREATE INDEX memberships_association ON memberships(association_id);

CREATE TABLE calendars (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('association', 'personal', 'remote')),
    association_id INTEGER REFERENCES associations(id) ON DELETE CASCADE,
    owner_user_id  INTEGER REFERENCES users(id) ON DELETE CASCADE,
    slug           TEXT NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    color          TEXT NOT NULL DEFAULT '',
    sort_order     INTEGER NOT NULL DEFAULT 0,
    timezone       TEXT NOT NULL DEFAULT '',
    public         INTEGER NOT NULL DEFAULT 0,
    components     TEXT NOT NULL DEFAULT 'VEVENT',
    source         TEXT NOT NULL DEFAULT '',
    trusted        INTEGER NOT NULL DEFAULT 0,
    seq            INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX calendars_slug ON calendars(kind, ifnull(association_id, 0), ifnull(owner_user_id, 0), slug);
CREATE INDEX calendars_association ON calendars(association_id);
CREATE INDEX calendars_owner ON calendars(owner_user_id);
CREATE UNIQUE INDEX calendars_source ON calendars(source) WHERE source <> '';

CREATE TABLE places (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL DEFAULT '',
    street        TEXT NOT NULL DEFAULT '',
    postal_code   TEXT NOT NULL DEFAULT '',
    locality      TEXT NOT NULL DEFAULT '',
    commune_insee TEXT NOT NULL DEFAULT '',
    lat           REAL NOT NULL DEFAULT 0,
    lon           REAL NOT NULL DEFAULT 0,
    has_geo       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX places_commune ON places(commune_insee);

CREATE TABLE events (
    id               INTEGER PRIMARY KEY,
    calendar_id      INTEGER NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    uuid             TEXT NOT NULL UNIQUE,
    href             TEXT NOT NULL,
    uid              TEXT NOT NULL,
    etag             TEXT NOT NULL,
    data             TEXT NOT NULL,
    component        TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    location         TEXT NOT NULL DEFAULT '',
    start_utc        TEXT NOT NULL DEFAULT '',
    end_utc          TEXT NOT NULL DEFAULT '',
    all_day          INTEGER NOT NULL DEFAULT 0,
    floating         INTEGER NOT NULL DEFAULT 0,
    tzid             TEXT NOT NULL DEFAULT '',
    recurring        INTEGER NOT NULL DEFAULT 0,
    rrule            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT '',
    class            TEXT NOT NULL DEFAULT '',
    categories       TEXT NOT NULL DEFAULT '',
    url              TEXT NOT NULL DEFAULT '',
    place_id         INTEGER REFERENCES places(id) ON DELETE SET NULL,
    commune_insee    TEXT NOT NULL DEFAULT '',
    lat              REAL NOT NULL DEFAULT 0,
    lon              REAL NOT NULL DEFAULT 0,
    has_geo          INTEGER NOT NULL DEFAULT 0,
    origin           TEXT NOT NULL DEFAULT 'local',
    ap_id            TEXT NOT NULL DEFAULT '',
    moderation       TEXT NOT NULL DEFAULT 'approved',
    sequence         INTEGER NOT NULL DEFAULT 0,
    instances_capped INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (calendar_id, href),
    UNIQUE (calendar_id, uid)
);
CREATE UNIQUE INDEX events_ap_id ON events(ap_id) WHERE ap_id <> '';
CREATE INDEX events_commune ON events(commune_insee);

-- One row per occurrence, expanded at write time over a bounded horizon.
-- Clustered by start, so that a time range is one ordered scan of the table
-- itself; the second index serves deletion and the bounds of a series.
CREATE TABLE event_instances (
    start_utc     TEXT NOT NULL,
    event_id      INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    recurrence_id TEXT NOT NULL DEFAULT '',
    end_utc       TEXT NOT NULL,
    override      INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (start_utc, event_id, recurrence_id)
) WITHOUT ROWID;
CREATE INDEX event_instances_event ON event_instances(event_id, override, start_utc);

CREATE TABLE event_categories (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    category TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (event_id, category)
) WITHOUT ROWID;
CREATE INDEX event_categories_category ON event_categories(category, event_id);

-- Full-text index over the agenda's text, accents folded ("fete" finds
-- "Fête"). Its docid is the event id; the store keeps it in step. FTS4,
-- which SQLite's default build includes, so that a plain `go build` gives a
-- working binary; migration 0010 explains the choice and converts the
-- FTS5 table that this file created before that.
CREATE VIRTUAL TABLE events_fts USING fts4(
    summary, description, location, categories,
    matchinfo=fts3,
    tokenize=unicode61 "remove_diacritics=2"
);

-- The change log. seq is global and only grows; a calendar's seq is the seq
-- of its last change, which makes it the CTag and the sync token. Rows
-- outlive their calendar, so that a deleted calendar's events still reach
-- the publisher as deletions. Rows are never deleted, so the rowid alone
-- keeps growing (no AUTOINCREMENT bookkeeping on every write).
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY,
    calendar_id INTEGER NOT NULL,
    event_id    INTEGER NOT NULL,
    href        TEXT NOT NULL,
    uid         TEXT NOT NULL,
    uuid        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('put', 'delete')),
    at          TEXT NOT NULL
);
CREATE INDEX changes_calendar ON changes(calendar_id, seq);

-- Public ids of deleted events: /events/{uuid} answers 410 forever.
CREATE TABLE tombstones (
    uuid           TEXT PRIMARY KEY,
    ap_id          TEXT NOT NULL DEFAULT '',
    calendar_id    INTEGER NOT NULL,
    association_id INTEGER NOT NULL DEFAULT 0,
    public         INTEGER NOT NULL DEFAULT 0,
    origin         TEXT NOT NULL DEFAULT 'local',
    deleted_at     TEXT NOT NULL
) WITHOUT ROWID;

-- Small key/value state: cursors of workers, the longest occurrence seen.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
