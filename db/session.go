package db

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// Tokens of sessions and account links: 32 random bytes, base64url in the
// cookie or link; only their SHA-256 is stored, so that a copy of the
// database does not open anyone's session.
func newToken() (token, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashToken(token)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// maxTokenLen bounds a token read from outside before it is hashed.
const maxTokenLen = 128

// Session is a signed-in browser.
type Session struct {
	ID         int64
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute end, whatever the activity
}

// CreateSession opens a session for the user until expires and returns
// its token (for the cookie; only its hash is stored).
func (s *Store) CreateSession(ctx context.Context, userID int64, now, expires time.Time) (string, error) {
	token, hash := newToken()
	_, err := s.w.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash, userID, fmtTime(now), fmtTime(now), fmtTime(expires))
	if err != nil {
		return "", fmt.Errorf("db: create session: %w", mapErr(err))
	}
	return token, nil
}

// SessionUser returns the session of token and its user when the session
// has been used within idle and has not reached its absolute end, and the
// account is not disabled; ErrNotFound otherwise. The session's last use
// is recorded (at most once a minute, to spare writes).
func (s *Store) SessionUser(ctx context.Context, token string, now time.Time, idle time.Duration) (*Session, *model.User, error) {
	if token == "" || len(token) > maxTokenLen {
		return nil, nil, fmt.Errorf("db: session: %w", ErrNotFound)
	}
	var ss Session
	var created, seen, expires string
	row := s.r.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at FROM sessions s
		JOIN users u ON u.id = s.user_id WHERE s.token_hash = +? AND u.disabled = 0 AND s.expires_at > ? AND s.last_seen_at > ?`,
		hashToken(token), fmtTime(now), fmtTime(now.Add(-idle)))
	if err := row.Scan(&ss.ID, &ss.UserID, &created, &seen, &expires); err != nil {
		return nil, nil, fmt.Errorf("db: session: %w", mapErr(err))
	}
	ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt = parseTime(created), parseTime(seen), parseTime(expires)
	u, err := s.GetUser(ctx, ss.UserID)
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(ss.LastSeenAt) >= time.Minute {
		if _, err := s.w.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = +?`, fmtTime(now), ss.ID); err != nil {
			return nil, nil, fmt.Errorf("db: touch session: %w", err)
		}
		ss.LastSeenAt = now
	}
	return &ss, u, nil
}

// DeleteSession ends the session of token (signing out). Ending a session
// that does not exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if len(token) > maxTokenLen {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = +?`, hashToken(token)); err != nil {
		return fmt.Errorf("db: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of the user but the one with
// token keep (none when keep is empty): "sign out everywhere".
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = +? AND token_hash <> ?`, userID, hashToken(keep)); err != nil {
		return fmt.Errorf("db: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions that can no longer be used
// (past their absolute end, or idle for longer than idle) and the account
// links that expired a day ago or more; it returns how many rows went.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`, fmtTime(now), fmtTime(now.Add(-idle)))
	if err != nil {
		return 0, fmt.Errorf("db: delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = s.w.ExecContext(ctx, `DELETE FROM account_links WHERE expires_at <= ?`, fmtTime(now.Add(-24*time.Hour)))
	if err != nil {
		return n, fmt.Errorf("db: delete expired account links: %w", err)
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}

// CountSessions returns how many sessions the user has open (for tests
// and the member's page).
func (s *Store) CountSessions(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE user_id = +?`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count sessions: %w", err)
	}
	return n, nil
}

// CredentialsEpoch is a counter that moves whenever a password, an app
// password or an account's disabled flag changes, by any program on the
// database (triggers keep it). Caches of verified logins remember it and
// drop an entry when it moved.
func (s *Store) CredentialsEpoch(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT epoch FROM credentials_epoch WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: credentials epoch: %w", err)
	}
	return n, nil
}

// SetUserPassword stores a new password hash (from HashPassword).
func (s *Store) SetUserPassword(ctx context.Context, userID int64, hash string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = +?`, hash, userID)
	if err != nil {
		return fmt.Errorf("db: set password of user %d: %w", userID, err)
	}
	return affectedOne(res, fmt.Sprintf("db: set password of user %d", userID))
}

// SetUserDisabled disables or enables an account. Disabling ends its
// sessions in the same transaction; its CalDAV logins and app passwords
// stop at once (CheckUserPassword refuses it, the epoch moves).
func (s *Store) SetUserDisabled(ctx context.Context, userID int64, disabled bool) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: disable user %d: %w", userID, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = ? WHERE id = +?`, b2i(disabled), userID)
	if err != nil {
		return fmt.Errorf("db: disable user %d: %w", userID, err)
	}
	if err := affectedOne(res, fmt.Sprintf("db: disable user %d", userID)); err != nil {
		return err
	}
	if disabled {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = +?`, userID); err != nil {
			return fmt.Errorf("db: disable user %d: %w", userID, err)
		}
	}
	return tx.Commit()
}

// CheckAccountPassword returns the user when password is their account
// password (not an app password: those are for calendar apps, and do not
// open the back office), ErrBadCredentials otherwise, disabled accounts
// included. Unknown users cost the same time as wrong passwords.
func (s *Store) CheckAccountPassword(ctx context.Context, username, password string) (*model.User, error) {
	if password == "" || len(password) > MaxPasswordLen {
		_ = bcryptCompare(dummyHash(), []byte(password))
		return nil, ErrBadCredentials
	}
	u, err := s.GetUserByUsername(ctx, username)
	if errors.Is(err, ErrNotFound) || (err == nil && (u.Disabled || u.PasswordHash == "")) {
		_ = bcryptCompare(dummyHash(), []byte(password))
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if bcryptCompare([]byte(u.PasswordHash), []byte(password)) != nil {
		return nil, ErrBadCredentials
	}
	return u, nil
}
