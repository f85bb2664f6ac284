-- The instance admin's fediverse: domains the instance will not federate
-- with (a domain and its subdomains), and follows asked for on the admin's
-- page, which federation sends (web cannot) and then forgets.

CREATE TABLE domain_blocks (
    domain     TEXT PRIMARY KEY,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE follow_requests (
    id         INTEGER PRIMARY KEY,
    target     TEXT NOT NULL UNIQUE,
    trusted    INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    -- When federation tried it and why it failed ('' until then); a failed
    -- request stays, with its error, until the admin removes it.
    tried_at   TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT ''
);
