package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// CreateAccountLink stores a single-use link and returns its token (for
// the URL; only its hash is stored).
func (s *Store) CreateAccountLink(ctx context.Context, l *model.AccountLink) (string, error) {
	if l.Kind != model.LinkInvite && l.Kind != model.LinkReset {
		return "", &model.ValidationError{Field: "kind", Msg: "must be invite or reset"}
	}
	if l.AssociationID != 0 && !l.Role.Valid() {
		return "", &model.ValidationError{Field: "role", Msg: "must be owner, editor or viewer"}
	}
	if l.Kind == model.LinkReset && l.UserID == 0 {
		return "", &model.ValidationError{Field: "user", Msg: "a reset link needs a user"}
	}
	if l.Username != "" {
		if err := (&model.User{Username: l.Username}).Validate(); err != nil {
			return "", err
		}
	}
	token, hash := newToken()
	l.CreatedAt = now()
	res, err := s.w.ExecContext(ctx, `INSERT INTO account_links (token_hash, kind, association_id, role, username, user_id, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, hash, string(l.Kind), nullID(l.AssociationID), string(l.Role), l.Username,
		nullID(l.UserID), nullID(l.CreatedBy), fmtTime(l.CreatedAt), fmtTime(l.ExpiresAt))
	if err != nil {
		return "", fmt.Errorf("db: create account link: %w", mapErr(err))
	}
	l.ID, _ = res.LastInsertId()
	return token, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// usableLink reads the unused, unexpired link of token and kind;
// ErrNotFound when there is none.
func usableLink(ctx context.Context, q querier, token string, kind model.AccountLinkKind, at time.Time) (*model.AccountLink, error) {
	if token == "" || len(token) > maxTokenLen {
		return nil, fmt.Errorf("db: account link: %w", ErrNotFound)
	}
	var l model.AccountLink
	var assoc, user, by sql.NullInt64
	var role, created, expires string
	err := q.QueryRowContext(ctx, `SELECT id, kind, association_id, role, username, user_id, created_by, created_at, expires_at
		FROM account_links WHERE token_hash = +? AND kind = +? AND used_at = '' AND expires_at > ?`, hashToken(token), string(kind), fmtTime(at)).
		Scan(&l.ID, &l.Kind, &assoc, &role, &l.Username, &user, &by, &created, &expires)
	if err != nil {
		return nil, fmt.Errorf("db: account link: %w", mapErr(err))
	}
	l.AssociationID, l.UserID, l.CreatedBy = assoc.Int64, user.Int64, by.Int64
	l.Role = model.Role(role)
	l.CreatedAt, l.ExpiresAt = parseTime(created), parseTime(expires)
	return &l, nil
}

// AccountLink returns the usable (unused, unexpired at at) link of token
// and kind, ErrNotFound otherwise.
func (s *Store) AccountLink(ctx context.Context, token string, kind model.AccountLinkKind, at time.Time) (*model.AccountLink, error) {
	return usableLink(ctx, s.r, token, kind, at)
}

// AcceptInvitation uses an invitation: in one transaction it creates the
// user (u, with its password hash set), the membership the link carries,
// and marks the link used. ErrNotFound if the link is no longer usable,
// ErrConflict if the username is taken; nothing is saved then.
func (s *Store) AcceptInvitation(ctx context.Context, token string, at time.Time, u *model.User) (*model.AccountLink, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("db: accept invitation: %w", err)
	}
	defer tx.Rollback()
	l, err := usableLink(ctx, tx, token, model.LinkInvite, at)
	if err != nil {
		return nil, err
	}
	u.CreatedAt = now()
	u.Admin, u.Disabled = false, false
	res, err := tx.ExecContext(ctx, `INSERT INTO users (username, display_name, email, password_hash, admin, created_at) VALUES (?, ?, ?, ?, 0, ?)`,
		u.Username, u.DisplayName, u.Email, u.PasswordHash, fmtTime(u.CreatedAt))
	if err != nil {
		return nil, fmt.Errorf("db: accept invitation: create user %s: %w", u.Username, mapErr(err))
	}
	u.ID, _ = res.LastInsertId()
	if l.AssociationID != 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (user_id, association_id, role) VALUES (?, ?, ?)`, u.ID, l.AssociationID, string(l.Role)); err != nil {
			return nil, fmt.Errorf("db: accept invitation: membership: %w", mapErr(err))
		}
	}
	if err := markUsed(ctx, tx, l.ID, at); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("db: accept invitation: %w", err)
	}
	return l, nil
}

// ResetPassword uses a reset link: in one transaction it sets the user's
// new password hash, ends all their sessions and marks the link used.
// ErrNotFound if the link is no longer usable.
func (s *Store) ResetPassword(ctx context.Context, token string, at time.Time, hash string) (*model.User, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("db: reset password: %w", err)
	}
	defer tx.Rollback()
	l, err := usableLink(ctx, tx, token, model.LinkReset, at)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = +?`, hash, l.UserID); err != nil {
		return nil, fmt.Errorf("db: reset password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = +?`, l.UserID); err != nil {
		return nil, fmt.Errorf("db: reset password: %w", err)
	}
	if err := markUsed(ctx, tx, l.ID, at); err != nil {
		return nil, err
	}
	u, err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE id = +?", l.UserID))
	if err != nil {
		return nil, fmt.Errorf("db: reset password: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("db: reset password: %w", err)
	}
	return u, nil
}

func markUsed(ctx context.Context, tx *sql.Tx, id int64, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE account_links SET used_at = ? WHERE id = +?`, fmtTime(at), id); err != nil {
		return fmt.Errorf("db: mark account link used: %w", err)
	}
	return nil
}
