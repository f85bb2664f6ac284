-- The instance's own settings, set by the admin on one page: its name,
-- a short description (the agenda's header, feeds, the instance actor,
-- NodeInfo), a public contact (an e-mail address or a URL), its logo (an
-- image of the images table) and the footer's text (small Markdown). One
-- row at most; no row means the defaults.

CREATE TABLE instance_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    contact     TEXT NOT NULL DEFAULT '',
    footer      TEXT NOT NULL DEFAULT '',
    logo_sha256 TEXT REFERENCES images(sha256) ON DELETE SET NULL,
    updated_at  TEXT NOT NULL
);
