-- Images uploaded in the back office (association logos, later event
-- posters), already re-encoded by web/picture. They live in the database
-- rather than in the data directory so that a backup (one SQLite file)
-- carries them, a logo changes in the same transaction as the profile, and
-- no file path is ever built from a request. Content-addressed: the same
-- bytes are stored once, and their public URL never changes.
CREATE TABLE images (
    sha256     TEXT PRIMARY KEY,
    mime       TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg')),
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL
);

ALTER TABLE associations ADD COLUMN logo_sha256 TEXT REFERENCES images(sha256) ON DELETE SET NULL;

-- A follower's answer waiting to be sent: an owner approved or refused a
-- follow in the back office (which cannot build ActivityPub documents);
-- federation's publisher sends the Accept or Reject and clears it. What
-- crosses from web to federation crosses through the database.
ALTER TABLE followers ADD COLUMN answer TEXT NOT NULL DEFAULT '' CHECK (answer IN ('', 'Accept', 'Reject'));
CREATE INDEX followers_answer ON followers(id) WHERE answer != '';

-- An association's own places, which its owners keep and its event form
-- offers (association_id NULL: a place met in an import or a remote
-- event). Two "Salle des fêtes" of two villages stay two places; the same
-- name twice in one commune of one association is refused.
ALTER TABLE places ADD COLUMN association_id INTEGER REFERENCES associations(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX places_association_name ON places(association_id, name COLLATE NOCASE, commune_insee)
    WHERE association_id IS NOT NULL;
-- The events at a place, logged when an owner changes or removes it.
CREATE INDEX events_place ON events(place_id) WHERE place_id IS NOT NULL;
