-- CalDAV correctness (issue #14).

-- The xml:lang in scope where a dead property was set (RFC 4918 §4.3),
-- given back with it; empty when there was none.
ALTER TABLE caldav_props ADD COLUMN lang TEXT NOT NULL DEFAULT '';
