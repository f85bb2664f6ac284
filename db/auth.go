package db

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/bastide47/bastide/db/model"
)

// ErrBadCredentials: the username is unknown or the password does not match.
// Callers must not tell the two apart in what they answer.
var ErrBadCredentials = errors.New("db: bad credentials")

// MaxPasswordLen is bcrypt's limit: longer passwords are refused rather than
// silently truncated.
const MaxPasswordLen = 72

// PasswordCost is the bcrypt cost of stored password hashes.
const PasswordCost = bcrypt.DefaultCost

// HashPassword returns the bcrypt hash of a password to store in
// users.password_hash or app_passwords.hash. Empty passwords and passwords
// longer than MaxPasswordLen bytes are refused.
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", &model.ValidationError{Field: "password", Msg: "is required"}
	}
	if len(password) > MaxPasswordLen {
		return "", &model.ValidationError{Field: "password", Msg: fmt.Sprintf("is longer than %d bytes", MaxPasswordLen)}
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return "", fmt.Errorf("db: hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when the user is unknown, so that an
// unknown username costs the same time as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("bastide-dummy-password"), PasswordCost)

// CheckPassword verifies a login against the account password and then the
// user's app passwords. It returns the user and, when an app password
// matched, its id (0 for the account password). Any failure is
// ErrBadCredentials (or a database error); the password is never logged or
// wrapped into an error.
func (s *Store) CheckPassword(ctx context.Context, username, password string) (*model.User, int64, error) {
	if password == "" || len(password) > MaxPasswordLen || username == "" || len(username) > model.MaxUsernameLen {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte("x"))
		return nil, 0, ErrBadCredentials
	}
	u, err := s.GetUserByUsername(ctx, username)
	if errors.Is(err, ErrNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, 0, ErrBadCredentials
	}
	if err != nil {
		return nil, 0, err
	}
	if u.PasswordHash != "" && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil {
		return u, 0, nil
	}
	aps, err := s.ListAppPasswords(ctx, u.ID)
	if err != nil {
		return nil, 0, err
	}
	for _, ap := range aps {
		if bcrypt.CompareHashAndPassword([]byte(ap.Hash), []byte(password)) == nil {
			return u, ap.ID, nil
		}
	}
	if u.PasswordHash == "" && len(aps) == 0 {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
	}
	return nil, 0, ErrBadCredentials
}
