package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bastide47/bastide/db/model"
)

const assocCols = `id, slug, name, description, website, email, commune_insee, private_key_pem, public_key_pem, manually_approves_followers, created_at, archived_at, removing_at`

func scanAssociation(row interface{ Scan(...any) error }) (*model.Association, error) {
	var a model.Association
	var manual int
	var created, archived, removing string
	if err := row.Scan(&a.ID, &a.Slug, &a.Name, &a.Description, &a.Website, &a.Email, &a.CommuneINSEE,
		&a.PrivateKeyPEM, &a.PublicKeyPEM, &manual, &created, &archived, &removing); err != nil {
		return nil, mapErr(err)
	}
	if archived != "" {
		a.ArchivedAt = parseTime(archived)
	}
	if removing != "" {
		a.RemovingAt = parseTime(removing)
	}
	a.ManuallyApprovesFollowers = manual == 1
	a.CreatedAt = parseTime(created)
	return &a, nil
}

// CreateAssociation stores a new association; ErrConflict if the slug is taken.
func (s *Store) CreateAssociation(ctx context.Context, a *model.Association) error {
	if err := a.Validate(); err != nil {
		return err
	}
	a.CreatedAt = now()
	res, err := s.w.ExecContext(ctx, `INSERT INTO associations (id, slug, name, description, website, email, commune_insee,
		private_key_pem, public_key_pem, manually_approves_followers, created_at) VALUES (`+nextID("associations")+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Slug, a.Name, a.Description, a.Website, a.Email, a.CommuneINSEE, a.PrivateKeyPEM, a.PublicKeyPEM,
		b2i(a.ManuallyApprovesFollowers), fmtTime(a.CreatedAt))
	if err != nil {
		return fmt.Errorf("db: create association %s: %w", a.Slug, mapErr(err))
	}
	a.ID, _ = res.LastInsertId()
	return nil
}

// DefaultCalendarSlug is the public calendar every association starts with.
const DefaultCalendarSlug = "agenda"

// CreateAssociationWithAgenda stores a new association and its default
// public calendar, named calName (or "Agenda" when that is too long);
// ErrConflict if the slug is taken. Every road that creates an
// association (the commands, the back office) goes through here.
func (s *Store) CreateAssociationWithAgenda(ctx context.Context, a *model.Association, calName string) error {
	if err := s.CreateAssociation(ctx, a); err != nil {
		return err
	}
	c := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: DefaultCalendarSlug,
		Name: calName, Public: true, Components: []string{"VEVENT"}}
	if len(c.Name) > model.MaxNameLen {
		c.Name = "Agenda"
	}
	if err := s.CreateCalendar(ctx, c); err != nil {
		return fmt.Errorf("db: create calendar %q of %s: %w", c.Slug, a.Slug, err)
	}
	return nil
}

// UpdateAssociation saves every field but the slug and the creation time.
func (s *Store) UpdateAssociation(ctx context.Context, a *model.Association) error {
	if err := a.Validate(); err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE associations SET name = ?, description = ?, website = ?, email = ?,
		commune_insee = ?, private_key_pem = ?, public_key_pem = ?, manually_approves_followers = ? WHERE id = +?`,
		a.Name, a.Description, a.Website, a.Email, a.CommuneINSEE, a.PrivateKeyPEM, a.PublicKeyPEM,
		b2i(a.ManuallyApprovesFollowers), a.ID)
	if err != nil {
		return fmt.Errorf("db: update association %s: %w", a.Slug, mapErr(err))
	}
	return affectedOne(res, "db: update association "+a.Slug)
}

// GetAssociation returns an association by id.
func (s *Store) GetAssociation(ctx context.Context, id int64) (*model.Association, error) {
	a, err := scanAssociation(s.r.QueryRowContext(ctx, "SELECT "+assocCols+" FROM associations WHERE id = +?", id))
	if err != nil {
		return nil, fmt.Errorf("db: get association %d: %w", id, err)
	}
	return a, nil
}

// GetAssociationBySlug returns an association by slug.
func (s *Store) GetAssociationBySlug(ctx context.Context, slug string) (*model.Association, error) {
	a, err := scanAssociation(s.r.QueryRowContext(ctx, "SELECT "+assocCols+" FROM associations WHERE slug = +?", slug))
	if err != nil {
		return nil, fmt.Errorf("db: get association %q: %w", slug, err)
	}
	return a, nil
}

// ListAssociations returns every association, by name.
func (s *Store) ListAssociations(ctx context.Context) ([]*model.Association, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+assocCols+" FROM associations ORDER BY name COLLATE NOCASE, slug")
	return collect(rows, err, "list associations", scanAssociation)
}

// CountAssociations returns how many associations there are.
func (s *Store) CountAssociations(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM associations").Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count associations: %w", err)
	}
	return n, nil
}

// ListAssociationsPage returns limit associations from offset, in the order of
// ListAssociations.
func (s *Store) ListAssociationsPage(ctx context.Context, offset, limit int) ([]*model.Association, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+assocCols+" FROM associations ORDER BY name COLLATE NOCASE, slug LIMIT +? OFFSET +?", limit, offset)
	return collect(rows, err, "list associations", scanAssociation)
}

// SetMembership adds a user to an association or changes their role;
// ErrLastOwner if it would demote the association's last owner. The
// commands and the back office both come here.
func (s *Store) SetMembership(ctx context.Context, m *model.Membership) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return s.changeMembership(ctx, "db: set membership", m.AssociationID, func(tx *sql.Tx) (sql.Result, error) {
		return tx.ExecContext(ctx, `INSERT INTO memberships (user_id, association_id, role) VALUES (?, ?, ?)
			ON CONFLICT (user_id, association_id) DO UPDATE SET role = excluded.role`, m.UserID, m.AssociationID, string(m.Role))
	})
}

// RemoveMembership takes a user out of an association; ErrNotFound if
// they are not a member, ErrLastOwner if they are its last owner.
func (s *Store) RemoveMembership(ctx context.Context, userID, associationID int64) error {
	return s.changeMembership(ctx, "db: remove membership", associationID, func(tx *sql.Tx) (sql.Result, error) {
		return tx.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = +? AND association_id = +?`, userID, associationID)
	})
}

// changeMembership runs change in a transaction and keeps the rule that
// an association which had an owner still has one: the one place of that
// rule.
func (s *Store) changeMembership(ctx context.Context, op string, associationID int64, change func(*sql.Tx) (sql.Result, error)) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer tx.Rollback()
	owners := func() (int, error) {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE association_id = +? AND role = 'owner'`, associationID).Scan(&n)
		return n, err
	}
	before, err := owners()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	res, err := change(tx)
	if err != nil {
		return fmt.Errorf("%s: %w", op, mapErr(err))
	}
	if err := affectedOne(res, op); err != nil {
		return err
	}
	after, err := owners()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if before > 0 && after == 0 {
		return fmt.Errorf("%s: %w", op, ErrLastOwner)
	}
	return tx.Commit()
}

// GetRole returns the user's role in the association, ErrNotFound if the
// user is not a member.
func (s *Store) GetRole(ctx context.Context, userID, associationID int64) (model.Role, error) {
	var role string
	err := s.r.QueryRowContext(ctx, `SELECT role FROM memberships WHERE user_id = +? AND association_id = +?`, userID, associationID).Scan(&role)
	if err != nil {
		return "", fmt.Errorf("db: get role: %w", mapErr(err))
	}
	return model.Role(role), nil
}

// ListMemberships returns the user's memberships.
func (s *Store) ListMemberships(ctx context.Context, userID int64) ([]model.Membership, error) {
	return s.listMemberships(ctx, `SELECT user_id, association_id, role FROM memberships WHERE user_id = +? ORDER BY association_id`, userID)
}

// ListMembers returns the memberships of an association.
func (s *Store) ListMembers(ctx context.Context, associationID int64) ([]model.Membership, error) {
	return s.listMemberships(ctx, `SELECT user_id, association_id, role FROM memberships WHERE association_id = +? ORDER BY user_id`, associationID)
}

func (s *Store) listMemberships(ctx context.Context, q string, arg int64) ([]model.Membership, error) {
	rows, err := s.r.QueryContext(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("db: list memberships: %w", err)
	}
	defer rows.Close()
	var out []model.Membership
	for rows.Next() {
		var m model.Membership
		var role string
		if err := rows.Scan(&m.UserID, &m.AssociationID, &role); err != nil {
			return nil, fmt.Errorf("db: list memberships: %w", err)
		}
		m.Role = model.Role(role)
		out = append(out, m)
	}
	return out, rows.Err()
}
