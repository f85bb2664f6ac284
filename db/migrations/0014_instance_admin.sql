-- The instance admin: domains the instance will not federate with (a
-- domain and its subdomains), follows and unfollows asked for on the
-- admin's page, which federation sends (web cannot) and then forgets, and
-- the instance's own pages.

CREATE TABLE domain_blocks (
    domain     TEXT PRIMARY KEY,
    reason     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE follow_requests (
    id         INTEGER PRIMARY KEY,
    target     TEXT NOT NULL UNIQUE,
    -- 'follow', or 'unfollow' (target is then the followed actor's id).
    kind       TEXT NOT NULL DEFAULT 'follow' CHECK (kind IN ('follow', 'unfollow')),
    trusted    INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    -- When federation tried it and why it failed ('' until then); a failed
    -- request stays, with its error, until the admin removes it.
    tried_at   TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT ''
);

-- The instance's own texts, edited by the admin: the pages French law
-- expects (mentions légales, privacy notice), the accessibility statement
-- and the collective's charter, in Markdown; a missing row means the
-- default text.
CREATE TABLE instance_pages (
    slug       TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
