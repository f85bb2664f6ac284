-- The back office: signed-in sessions, single-use links (invitations and
-- password resets), disabled accounts, and a counter that every change of
-- credentials moves, so that caches of verified logins (CalDAV) drop at once.

ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;

-- Only a hash (SHA-256, hex) of the cookie's token is kept.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- kind 'invite': makes an account (and a membership when association_id is
-- set); kind 'reset': sets a new password for user_id.
CREATE TABLE account_links (
    id             INTEGER PRIMARY KEY,
    token_hash     TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    association_id INTEGER REFERENCES associations(id) ON DELETE CASCADE,
    role           TEXT NOT NULL DEFAULT '' CHECK (role IN ('', 'owner', 'editor', 'viewer')),
    username       TEXT NOT NULL DEFAULT '',
    user_id        INTEGER REFERENCES users(id) ON DELETE CASCADE,
    created_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_links_expires ON account_links(expires_at);

CREATE TABLE credentials_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch INTEGER NOT NULL
);
INSERT INTO credentials_epoch (id, epoch) VALUES (1, 0);

CREATE TRIGGER users_credentials AFTER UPDATE OF password_hash, disabled ON users
WHEN OLD.password_hash IS NOT NEW.password_hash OR OLD.disabled IS NOT NEW.disabled
BEGIN UPDATE credentials_epoch SET epoch = epoch + 1 WHERE id = 1; END;
CREATE TRIGGER users_deleted AFTER DELETE ON users
BEGIN UPDATE credentials_epoch SET epoch = epoch + 1 WHERE id = 1; END;
CREATE TRIGGER app_passwords_deleted AFTER DELETE ON app_passwords
BEGIN UPDATE credentials_epoch SET epoch = epoch + 1 WHERE id = 1; END;
CREATE TRIGGER app_passwords_rehashed AFTER UPDATE OF hash ON app_passwords
WHEN OLD.hash IS NOT NEW.hash
BEGIN UPDATE credentials_epoch SET epoch = epoch + 1 WHERE id = 1; END;
