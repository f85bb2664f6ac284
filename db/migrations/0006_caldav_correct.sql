-- CalDAV correctness (issue #14).

-- The xml:lang in scope where a dead property was set (RFC 4918 §4.3),
-- given back with it; empty when there was none.
ALTER TABLE caldav_props ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- An occurrence whose times are not of its event's kind: a timed override
-- of an all-day or floating series (its times are instants), or an all-day
-- or floating override of a timed series (wall clock). Rows stored before
-- are of their event's kind until the event is written again.
ALTER TABLE event_instances ADD COLUMN other_kind INTEGER NOT NULL DEFAULT 0;
