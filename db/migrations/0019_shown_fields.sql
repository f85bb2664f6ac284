-- What the public pages show of an event besides its indexed fields, read
-- from the iCalendar text at write time so that no page parses it again:
-- the price, the accessibility notes (one a line), the online link and
-- the poster (address and media type).
ALTER TABLE events ADD COLUMN price TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN access TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN online_url TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN image_url TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN image_type TEXT NOT NULL DEFAULT '';
-- Events stored before this version have none of these yet: `bastide
-- serve` reads them again from their text at start (the value is the id
-- of the last event done), then removes this key.
INSERT INTO meta (key, value) VALUES ('shown_fields_refresh', '0') ON CONFLICT (key) DO NOTHING;
-- The town filter reads a commune's occurrences in date order, instead of
-- walking every occurrence of the year to find a town's few.
CREATE INDEX event_instances_commune ON event_instances(commune_insee, start_utc);
