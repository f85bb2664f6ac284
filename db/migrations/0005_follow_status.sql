-- What the admin (and /metrics) needs to know of a followed source: when it
-- was last read successfully, and the last error since, in words.
ALTER TABLE follows ADD COLUMN last_success_at TEXT NOT NULL DEFAULT '';
ALTER TABLE follows ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE follows ADD COLUMN last_error_at TEXT NOT NULL DEFAULT '';
UPDATE follows SET last_success_at = refreshed_at;
