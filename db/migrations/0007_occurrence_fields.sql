-- What each occurrence shows the public, stored at write time so that the
-- agenda, its feeds and the fediverse read it instead of parsing the
-- iCalendar text: an override's own summary, description, location and
-- CLASS (empty: the series' own), and the commune of every occurrence
-- (the series' one, or the one an override held elsewhere names), which
-- the town filter reads.
ALTER TABLE event_instances ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE event_instances ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE event_instances ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE event_instances ADD COLUMN class TEXT NOT NULL DEFAULT '';
ALTER TABLE event_instances ADD COLUMN commune_insee TEXT NOT NULL DEFAULT '';
UPDATE event_instances SET commune_insee = ifnull((SELECT e.commune_insee FROM events e WHERE e.id = event_instances.event_id), '');
-- Overrides stored before this version have none of their own fields yet:
-- `bastide serve` expands them again from their text at start (the value
-- is the id of the last event done), then removes this key.
INSERT INTO meta (key, value) VALUES ('occurrence_fields_refresh', '0') ON CONFLICT (key) DO NOTHING;
