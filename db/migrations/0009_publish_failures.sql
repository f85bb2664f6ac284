-- Events the federation publisher could not turn into activities, with
-- the error and when to try again: the publisher moves on past them in
-- the change log instead of stopping there, and retries each with
-- backoff until it goes out (the row is then deleted).
CREATE TABLE publish_failures (
    uuid       TEXT PRIMARY KEY,
    attempts   INTEGER NOT NULL,
    next_at    TEXT NOT NULL,
    last_error TEXT NOT NULL,
    since      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX publish_failures_due ON publish_failures(next_at);
