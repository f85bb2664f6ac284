package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"

	"github.com/bastide47/bastide/db/model"
)

// ErrBadCredentials: the username is unknown or the password matches
// neither the account password nor any of its app passwords. The two cases
// are not told apart, so that usernames cannot be probed.
var ErrBadCredentials = errors.New("db: wrong username or password")

// Password length bounds. bcrypt reads at most 72 bytes.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
)

// dummyHash is compared against when the user does not exist, so that an
// unknown username costs as much time as a wrong password. Made on first
// use: a bcrypt hash at init would slow every program that imports db.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("bastide-dummy-password"), bcrypt.DefaultCost)
	return h
})

// HashPassword returns the bcrypt hash of a password to store, after
// checking its length.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLen {
		return "", &model.ValidationError{Field: "password", Msg: fmt.Sprintf("is too short: at least %d characters", MinPasswordLen)}
	}
	if len(password) > MaxPasswordLen {
		return "", &model.ValidationError{Field: "password", Msg: fmt.Sprintf("is too long: at most %d bytes", MaxPasswordLen)}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("db: hash password: %w", err)
	}
	return string(h), nil
}

// bcryptCompare is bcrypt.CompareHashAndPassword; tests count its calls.
var bcryptCompare = bcrypt.CompareHashAndPassword

// appPasswordPrefix marks an app password stored by its SHA-256.
const appPasswordPrefix = "sha256:"

// HashAppPassword returns what to store for a new app password (see
// AddAppPassword): its SHA-256. App passwords are random secrets (about
// 140 bits, see NewAppPassword), which a fast hash protects
// as well as bcrypt does a human password, and they can then be found by
// that hash in one lookup.
func HashAppPassword(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return appPasswordPrefix + hex.EncodeToString(sum[:])
}

// CheckUserPassword returns the user when password is their account
// password or one of their app passwords, ErrBadCredentials otherwise.
// See CheckPassword.
func (s *Store) CheckUserPassword(ctx context.Context, username, password string) (*model.User, error) {
	u, _, err := s.CheckPassword(ctx, username, password)
	return u, err
}

// CheckPassword returns the user when password is their account password
// or one of their app passwords (whose last use is then recorded), and
// whether it was an app password; ErrBadCredentials otherwise.
//
// The work does not depend on the user: one lookup of the password's
// SHA-256 among app passwords, then one bcrypt comparison (with the
// account password, or a dummy hash for unknown users and users without
// one). App passwords made before HashAppPassword existed are bcrypt
// hashes: each of them still costs one comparison of a wrong password
// for its user, until it is used once and stored the new way.
func (s *Store) CheckPassword(ctx context.Context, username, password string) (*model.User, bool, error) {
	if password == "" || len(password) > MaxPasswordLen {
		_ = bcryptCompare(dummyHash(), []byte(password))
		return nil, false, ErrBadCredentials
	}
	u, err := s.GetUserByUsername(ctx, username)
	if errors.Is(err, ErrNotFound) {
		_ = bcryptCompare(dummyHash(), []byte(password))
		return nil, false, ErrBadCredentials
	}
	if err != nil {
		return nil, false, err
	}
	if u.Disabled {
		_ = bcryptCompare(dummyHash(), []byte(password))
		return nil, false, ErrBadCredentials
	}
	var id int64
	err = s.r.QueryRowContext(ctx, `SELECT id FROM app_passwords WHERE hash = +? AND user_id = +?`, HashAppPassword(password), u.ID).Scan(&id)
	switch {
	case err == nil:
		if err := s.TouchAppPassword(ctx, id); err != nil {
			return nil, false, err
		}
		return u, true, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, false, fmt.Errorf("db: check app password: %w", err)
	}
	hash := dummyHash()
	if u.PasswordHash != "" {
		hash = []byte(u.PasswordHash)
	}
	if bcryptCompare(hash, []byte(password)) == nil && u.PasswordHash != "" {
		return u, false, nil
	}
	aps, err := s.ListAppPasswords(ctx, u.ID)
	if err != nil {
		return nil, false, err
	}
	for _, ap := range aps {
		if strings.HasPrefix(ap.Hash, appPasswordPrefix) {
			continue
		}
		if bcryptCompare([]byte(ap.Hash), []byte(password)) == nil {
			_, err := s.w.ExecContext(ctx, `UPDATE app_passwords SET hash = ?, last_used_at = ? WHERE id = +?`, HashAppPassword(password), fmtTime(now()), ap.ID)
			if err != nil {
				return nil, false, fmt.Errorf("db: rehash app password: %w", err)
			}
			return u, true, nil
		}
	}
	return nil, false, ErrBadCredentials
}
