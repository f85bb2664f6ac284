-- Each occurrence keeps whether the public may see it (the rule of
-- db/public.go, computed by the store and kept right by triggers on every
-- input of the rule) and whether its event's times are wall clock
-- (all-day or floating), so that a month grid counts its ten thousand
-- occurrences from this table alone, without looking up each event.
ALTER TABLE event_instances ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event_instances ADD COLUMN wall INTEGER NOT NULL DEFAULT 0;
-- Occurrences stored before this version get both at the next start (the
-- store computes them, then removes this key).
INSERT INTO meta (key, value) VALUES ('public_refresh', '0') ON CONFLICT (key) DO NOTHING;
