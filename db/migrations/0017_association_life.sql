-- An association's life after its creation. Archived (archived_at set):
-- kept with everything it has, but out of everything public (the rule of
-- db/public.go and model.PublicEvent), its calendars read-only, its
-- published events withdrawn from the fediverse; its followers stay, so
-- that un-archiving publishes again. Being removed (removing_at set): out
-- of everything public too, while the publisher sends the Deletes of its
-- events and then of its Group, signed with the Group's key, which lives
-- until they are delivered (or given up). removing_seq is the last change
-- logged for its events, which the publisher must have passed before the
-- Group's Delete is queued (farewell_at); the association is purged once
-- no delivery it signs is pending. All of it is in the database, so a
-- restart in the middle finishes the job.
ALTER TABLE associations ADD COLUMN archived_at TEXT NOT NULL DEFAULT '';
ALTER TABLE associations ADD COLUMN removing_at TEXT NOT NULL DEFAULT '';
ALTER TABLE associations ADD COLUMN removing_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE associations ADD COLUMN farewell_at TEXT NOT NULL DEFAULT '';
CREATE INDEX associations_removing ON associations(id) WHERE removing_at != '';

-- A follower's answer (0015) that cannot be sent yet (the follower's
-- actor cannot be fetched) waits like a delivery, with the delivery
-- queue's backoff, instead of being tried at every round.
ALTER TABLE followers ADD COLUMN answer_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE followers ADD COLUMN answer_next_at TEXT NOT NULL DEFAULT '';
