-- The back office's long lists at issue 10's size (100 000 events): an
-- association's events, newest start first, read from this index alone
-- until the page is known; and the moderation queue (its count, its
-- soonest pending events) without reading every event.
CREATE INDEX events_local_start ON events(calendar_id, component, origin, start_utc);
CREATE INDEX events_pending ON events(start_utc, id) WHERE moderation = 'pending';
