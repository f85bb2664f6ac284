package db

import (
	"context"
	"errors"
	"fmt"
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

// CheckUserPassword returns the user when password is their account
// password or one of their app passwords (whose last use is then
// recorded), ErrBadCredentials otherwise. Each check costs one bcrypt
// comparison per stored password: callers that authenticate every request
// (CalDAV) should cache successes for a short while.
func (s *Store) CheckUserPassword(ctx context.Context, username, password string) (*model.User, error) {
	if password == "" || len(password) > MaxPasswordLen {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, ErrBadCredentials
	}
	u, err := s.GetUserByUsername(ctx, username)
	if errors.Is(err, ErrNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return nil, ErrBadCredentials
	}
	if u.PasswordHash != "" && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil {
		return u, nil
	}
	aps, err := s.ListAppPasswords(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	for _, ap := range aps {
		if bcrypt.CompareHashAndPassword([]byte(ap.Hash), []byte(password)) == nil {
			if err := s.TouchAppPassword(ctx, ap.ID); err != nil {
				return nil, err
			}
			return u, nil
		}
	}
	if u.PasswordHash == "" && len(aps) == 0 {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
	}
	return nil, ErrBadCredentials
}
