-- ICS subscriptions (#11): a calendar of an association follows one feed
-- URL, which is then its source of truth (the calendar is read-only over
-- CalDAV and in the form). The refresh state lives beside it: the
-- validators of conditional requests, a hash of the last body applied, the
-- last success, the last failure as a code the pages translate plus the
-- technical detail, the next try and the failure count (backoff).
CREATE TABLE subscriptions (
    id                INTEGER PRIMARY KEY,
    calendar_id       INTEGER NOT NULL UNIQUE REFERENCES calendars(id) ON DELETE CASCADE,
    url               TEXT NOT NULL,
    interval_seconds  INTEGER NOT NULL CHECK (interval_seconds >= 300),
    etag              TEXT NOT NULL DEFAULT '',
    last_modified     TEXT NOT NULL DEFAULT '',
    body_sha256       TEXT NOT NULL DEFAULT '',
    last_success_at   TEXT NOT NULL DEFAULT '',
    last_error_code   TEXT NOT NULL DEFAULT '',
    last_error        TEXT NOT NULL DEFAULT '',
    last_error_at     TEXT NOT NULL DEFAULT '',
    next_at           TEXT NOT NULL,
    failures          INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX subscriptions_next ON subscriptions(next_at);
