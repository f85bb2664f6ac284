package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bastide47/bastide/db/model"
)

func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(model.TimeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return model.FormatTime(t)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

const userCols = "id, username, display_name, email, password_hash, admin, disabled, created_at"

func scanUser(row interface{ Scan(...any) error }) (*model.User, error) {
	var u model.User
	var admin, disabled int
	var created string
	if err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &u.PasswordHash, &admin, &disabled, &created); err != nil {
		return nil, mapErr(err)
	}
	u.Admin, u.Disabled = admin == 1, disabled == 1
	u.CreatedAt = parseTime(created)
	return &u, nil
}

// CreateUser stores a new user; ErrConflict if the username is taken.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.CreatedAt = now()
	res, err := s.w.ExecContext(ctx, `INSERT INTO users (username, display_name, email, password_hash, admin, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.Username, u.DisplayName, u.Email, u.PasswordHash, b2i(u.Admin), fmtTime(u.CreatedAt))
	if err != nil {
		return fmt.Errorf("db: create user %s: %w", u.Username, mapErr(err))
	}
	u.ID, _ = res.LastInsertId()
	return nil
}

// GetUser returns a user by id.
func (s *Store) GetUser(ctx context.Context, id int64) (*model.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE id = +?", id))
	if err != nil {
		return nil, fmt.Errorf("db: get user %d: %w", id, err)
	}
	return u, nil
}

// GetUserByUsername returns a user by login name.
func (s *Store) GetUserByUsername(ctx context.Context, username string) (*model.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE username = +?", username))
	if err != nil {
		return nil, fmt.Errorf("db: get user %q: %w", username, err)
	}
	return u, nil
}

// ListUsers returns every user, by username.
func (s *Store) ListUsers(ctx context.Context) ([]*model.User, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY username")
	return collect(rows, err, "list users", scanUser)
}

// CountUsers returns how many users there are.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count users: %w", err)
	}
	return n, nil
}

// GetUsers returns the users of the ids found, by id.
func (s *Store) GetUsers(ctx context.Context, ids []int64) (map[int64]*model.User, error) {
	out := make(map[int64]*model.User, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+userCols+" FROM users WHERE id IN ("+placeholders(len(ids))+")", int64s(ids)...)
	us, err := collect(rows, err, "get users", scanUser)
	for _, u := range us {
		out[u.ID] = u
	}
	return out, err
}

// ListUsersPage returns limit users from offset, in the order of
// ListUsers.
func (s *Store) ListUsersPage(ctx context.Context, offset, limit int) ([]*model.User, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY username LIMIT +? OFFSET +?", limit, offset)
	return collect(rows, err, "list users", scanUser)
}

// UpdateUser saves a user's display name, e-mail, admin flag and password hash.
func (s *Store) UpdateUser(ctx context.Context, u *model.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE users SET display_name = ?, email = ?, password_hash = ?, admin = ? WHERE id = +?`,
		u.DisplayName, u.Email, u.PasswordHash, b2i(u.Admin), u.ID)
	if err != nil {
		return fmt.Errorf("db: update user %s: %w", u.Username, mapErr(err))
	}
	return affectedOne(res, "db: update user "+u.Username)
}

// SetUserAdmin makes an account an administrator of the instance, or no
// longer one.
func (s *Store) SetUserAdmin(ctx context.Context, userID int64, admin bool) error {
	res, err := s.w.ExecContext(ctx, `UPDATE users SET admin = ? WHERE id = +?`, b2i(admin), userID)
	if err != nil {
		return fmt.Errorf("db: set admin of user %d: %w", userID, err)
	}
	return affectedOne(res, fmt.Sprintf("db: set admin of user %d", userID))
}

// DeleteUser removes an account: its personal calendars go the way of
// DeleteCalendar (each event's deletion logged, so that sync clients and
// followers learn of it), then its memberships, sessions, app passwords
// and links with the account itself.
func (s *Store) DeleteUser(ctx context.Context, userID int64) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		// The rule of changeMembership, for every association at once: an
		// association does not lose its last owner with their account.
		rows, err := tx.QueryContext(ctx, `SELECT a.slug FROM memberships m JOIN associations a ON a.id = m.association_id
			WHERE m.user_id = +? AND m.role = 'owner' AND NOT EXISTS (SELECT 1 FROM memberships o
			WHERE o.association_id = m.association_id AND o.role = 'owner' AND o.user_id != m.user_id) ORDER BY a.slug`, userID)
		sole, err := collect(rows, err, "delete user", func(r interface{ Scan(...any) error }) (slug string, err error) {
			return slug, r.Scan(&slug)
		})
		if err != nil {
			return err
		}
		if len(sole) > 0 {
			return &LastOwnerError{Associations: sole}
		}
		rows, err = tx.QueryContext(ctx, `SELECT id FROM calendars WHERE owner_user_id = +?`, userID)
		cals, err := collect(rows, err, "delete user", func(r interface{ Scan(...any) error }) (id int64, err error) {
			return id, r.Scan(&id)
		})
		if err != nil {
			return err
		}
		for _, id := range cals {
			if err := deleteCalendarTx(ctx, tx, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = +?`, userID)
		if err != nil {
			return fmt.Errorf("db: delete user %d: %w", userID, err)
		}
		return affectedOne(res, fmt.Sprintf("db: delete user %d", userID))
	})
}

func affectedOne(res sql.Result, op string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	return nil
}

// AddAppPassword stores a hashed per-device password, p.Hash being
// HashAppPassword of the secret; ErrConflict if the user already has one
// with that name.
func (s *Store) AddAppPassword(ctx context.Context, p *model.AppPassword) error {
	if p.Name == "" || len(p.Name) > model.MaxNameLen {
		return &model.ValidationError{Field: "name", Msg: "a device name of 1 to 200 characters is required"}
	}
	p.CreatedAt = now()
	res, err := s.w.ExecContext(ctx, `INSERT INTO app_passwords (user_id, name, hash, created_at) VALUES (?, ?, ?, ?)`,
		p.UserID, p.Name, p.Hash, fmtTime(p.CreatedAt))
	if err != nil {
		return fmt.Errorf("db: add app password %q: %w", p.Name, mapErr(err))
	}
	p.ID, _ = res.LastInsertId()
	return nil
}

// ListAppPasswords returns a user's app passwords (hashes included, for
// checking), by name.
func (s *Store) ListAppPasswords(ctx context.Context, userID int64) ([]*model.AppPassword, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, user_id, name, hash, created_at, last_used_at FROM app_passwords WHERE user_id = +? ORDER BY name`, userID)
	if err != nil {
		return nil, fmt.Errorf("db: list app passwords: %w", err)
	}
	defer rows.Close()
	var out []*model.AppPassword
	for rows.Next() {
		var p model.AppPassword
		var c, l string
		if err := rows.Scan(&p.ID, &p.UserID, &p.Name, &p.Hash, &c, &l); err != nil {
			return nil, fmt.Errorf("db: list app passwords: %w", err)
		}
		p.CreatedAt, p.LastUsedAt = parseTime(c), parseTime(l)
		out = append(out, &p)
	}
	return out, rows.Err()
}

// RevokeAppPassword deletes a user's app password by name.
func (s *Store) RevokeAppPassword(ctx context.Context, userID int64, name string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM app_passwords WHERE user_id = +? AND name = +?`, userID, name)
	if err != nil {
		return fmt.Errorf("db: revoke app password %q: %w", name, err)
	}
	return affectedOne(res, fmt.Sprintf("db: revoke app password %q", name))
}

// TouchAppPassword records that an app password was just used.
func (s *Store) TouchAppPassword(ctx context.Context, id int64) error {
	_, err := s.w.ExecContext(ctx, `UPDATE app_passwords SET last_used_at = ? WHERE id = +?`, fmtTime(now()), id)
	if err != nil {
		return fmt.Errorf("db: touch app password: %w", err)
	}
	return nil
}
