package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/bastide47/bastide/db/model"
)

const calCols = `c.id, c.kind, ifnull(c.association_id, 0), ifnull(c.owner_user_id, 0), c.slug, c.name, c.description,
	c.color, c.sort_order, c.timezone, c.public, c.components, c.source, c.trusted, c.seq, c.created_at,
	ifnull((SELECT s.url FROM subscriptions s WHERE s.calendar_id = c.id), ''), ` + withdrawnCalendarSQL

func scanCalendar(row interface{ Scan(...any) error }, extra ...any) (*model.Calendar, error) {
	var c model.Calendar
	var public, trusted, withdrawn int
	var comps, created string
	dest := []any{&c.ID, &c.Kind, &c.AssociationID, &c.OwnerUserID, &c.Slug, &c.Name, &c.Description,
		&c.Color, &c.Order, &c.Timezone, &public, &comps, &c.Source, &trusted, &c.Seq, &created, &c.SubscriptionURL, &withdrawn}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, mapErr(err)
	}
	c.Public, c.Trusted, c.Withdrawn = public == 1, trusted == 1, withdrawn == 1
	if comps != "" {
		c.Components = strings.Split(comps, ",")
	}
	c.CreatedAt = parseTime(created)
	return &c, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateCalendar stores a new calendar; ErrConflict if its slug is taken
// in the same association (or personal home, or remote source).
func (s *Store) CreateCalendar(ctx context.Context, c *model.Calendar) error {
	if len(c.Components) == 0 {
		c.Components = []string{"VEVENT"}
	}
	if err := c.Validate(); err != nil {
		return err
	}
	c.CreatedAt = now()
	return insertCalendar(ctx, s.w, c)
}

// nextID is the SQL expression of the id a new row of table takes: above
// every id it holds and every id it ever held (retired_ids, kept by the
// tables' delete triggers), so that an id is never given twice.
func nextID(table string) string {
	return `(SELECT max(coalesce((SELECT max(id) FROM ` + table + `), 0),
		coalesce((SELECT max_id FROM retired_ids WHERE tbl = '` + table + `'), 0)) + 1)`
}

func insertCalendar(ctx context.Context, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, c *model.Calendar) error {
	res, err := ex.ExecContext(ctx, `INSERT INTO calendars (id, kind, association_id, owner_user_id, slug, name, description,
		color, sort_order, timezone, public, components, source, trusted, created_at)
		VALUES (`+nextID("calendars")+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Kind, nullID(c.AssociationID), nullID(c.OwnerUserID), c.Slug, c.Name, c.Description, c.Color, c.Order,
		c.Timezone, b2i(c.Public), strings.Join(c.Components, ","), c.Source, b2i(c.Trusted), fmtTime(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("db: create calendar %s: %w", c.Slug, mapErr(err))
	}
	c.ID, _ = res.LastInsertId()
	return nil
}

// UpdateCalendar saves a calendar's properties (not its kind, owner or seq).
// When the calendar becomes public or private, every event in it is logged
// as changed, so that the publisher withdraws (or publishes) them and the
// web caches and sync clients learn of it.
func (s *Store) UpdateCalendar(ctx context.Context, c *model.Calendar) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var wasPublic int
		if err := tx.QueryRowContext(ctx, `SELECT public FROM calendars WHERE id = +?`, c.ID).Scan(&wasPublic); err != nil {
			return fmt.Errorf("db: update calendar %d: %w", c.ID, mapErr(err))
		}
		_, err := tx.ExecContext(ctx, `UPDATE calendars SET name = ?, description = ?, color = ?, sort_order = ?,
			timezone = ?, public = ?, components = ?, trusted = ? WHERE id = +?`,
			c.Name, c.Description, c.Color, c.Order, c.Timezone, b2i(c.Public), strings.Join(c.Components, ","),
			b2i(c.Trusted), c.ID)
		if err != nil {
			return fmt.Errorf("db: update calendar %d: %w", c.ID, mapErr(err))
		}
		if (wasPublic == 1) == c.Public {
			return nil
		}
		return logCalendarEventsTx(ctx, tx, c.ID)
	})
}

// logCalendarEventsTx logs every event of a calendar as changed: its
// visibility changed (the calendar, or its association's state), so that
// the publisher withdraws or publishes them and the web caches and sync
// clients learn of it.
func logCalendarEventsTx(ctx context.Context, tx *sql.Tx, calendarID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, href, uid, uuid FROM events WHERE calendar_id = +? ORDER BY id`, calendarID)
	if err != nil {
		return fmt.Errorf("db: log events of calendar %d: %w", calendarID, err)
	}
	type ref struct {
		id              int64
		href, uid, uuid string
	}
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.id, &r.href, &r.uid, &r.uuid); err != nil {
			rows.Close()
			return fmt.Errorf("db: log events of calendar %d: %w", calendarID, err)
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: log events of calendar %d: %w", calendarID, err)
	}
	t := now()
	q := newTxq(tx)
	for _, r := range refs {
		if _, _, err := logChange(ctx, q, calendarID, r.id, r.href, r.uid, r.uuid, model.ChangePut, t); err != nil {
			return err
		}
	}
	return nil
}

// GetCalendar returns a calendar by id.
func (s *Store) GetCalendar(ctx context.Context, id int64) (*model.Calendar, error) {
	c, err := scanCalendar(s.r.QueryRowContext(ctx, "SELECT "+calCols+" FROM calendars c WHERE c.id = +?", id))
	if err != nil {
		return nil, fmt.Errorf("db: get calendar %d: %w", id, err)
	}
	return c, nil
}

// GetAssociationCalendar returns an association's calendar by slug.
func (s *Store) GetAssociationCalendar(ctx context.Context, associationID int64, slug string) (*model.Calendar, error) {
	c, err := scanCalendar(s.r.QueryRowContext(ctx, "SELECT "+calCols+
		" FROM calendars c WHERE c.kind = 'association' AND c.association_id = +? AND c.slug = +?", associationID, slug))
	if err != nil {
		return nil, fmt.Errorf("db: get calendar %q: %w", slug, err)
	}
	return c, nil
}

// GetPersonalCalendar returns a user's personal calendar by slug.
func (s *Store) GetPersonalCalendar(ctx context.Context, userID int64, slug string) (*model.Calendar, error) {
	c, err := scanCalendar(s.r.QueryRowContext(ctx, "SELECT "+calCols+
		" FROM calendars c WHERE c.kind = 'personal' AND c.owner_user_id = +? AND c.slug = +?", userID, slug))
	if err != nil {
		return nil, fmt.Errorf("db: get calendar %q: %w", slug, err)
	}
	return c, nil
}

// GetCalendarBySource returns the remote calendar that mirrors a source.
func (s *Store) GetCalendarBySource(ctx context.Context, source string) (*model.Calendar, error) {
	c, err := scanCalendar(s.r.QueryRowContext(ctx, "SELECT "+calCols+" FROM calendars c WHERE c.source = +?", source))
	if err != nil {
		return nil, fmt.Errorf("db: get calendar of %q: %w", source, err)
	}
	return c, nil
}

// CalendarFilter selects calendars in ListCalendars; zero fields match all.
type CalendarFilter struct {
	Kind          string
	AssociationID int64
	OwnerUserID   int64
	PublicOnly    bool
}

// ListCalendars returns calendars matching f, by sort order then name.
func (s *Store) ListCalendars(ctx context.Context, f CalendarFilter) ([]*model.Calendar, error) {
	q := "SELECT " + calCols + " FROM calendars c WHERE 1=1"
	var args []any
	if f.Kind != "" {
		q += " AND c.kind = +?"
		args = append(args, f.Kind)
	}
	if f.AssociationID != 0 {
		q += " AND c.association_id = +?"
		args = append(args, f.AssociationID)
	}
	if f.OwnerUserID != 0 {
		q += " AND c.owner_user_id = +?"
		args = append(args, f.OwnerUserID)
	}
	if f.PublicOnly {
		q += " AND " + publicCalendarSQL
	}
	q += " ORDER BY c.sort_order, c.name, c.id"
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("db: list calendars: %w", err)
	}
	defer rows.Close()
	var out []*model.Calendar
	for rows.Next() {
		c, err := scanCalendar(rows)
		if err != nil {
			return nil, fmt.Errorf("db: list calendars: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UserCalendar is a calendar as one user reaches it: its association (if
// any) and the user's role on it. A personal calendar gives its owner the
// owner role.
type UserCalendar struct {
	Calendar        *model.Calendar
	AssociationSlug string
	Role            model.Role
}

// ListUserCalendars returns every calendar the user reaches: their personal
// calendars and the calendars of each association they belong to.
func (s *Store) ListUserCalendars(ctx context.Context, userID int64) ([]UserCalendar, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+calCols+`, '', 'owner' FROM calendars c
		WHERE c.kind = 'personal' AND c.owner_user_id = +?
		UNION ALL
		SELECT `+calCols+`, a.slug, m.role FROM calendars c
		JOIN associations a ON a.id = c.association_id
		JOIN memberships m ON m.association_id = c.association_id AND m.user_id = +?
		WHERE c.kind = 'association'
		ORDER BY 15, 7, 1`, userID, userID)
	if err != nil {
		return nil, fmt.Errorf("db: list calendars of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []UserCalendar
	for rows.Next() {
		var uc UserCalendar
		var role string
		c, err := scanCalendar(rows, &uc.AssociationSlug, &role)
		if err != nil {
			return nil, fmt.Errorf("db: list calendars of user %d: %w", userID, err)
		}
		uc.Calendar, uc.Role = c, model.Role(role)
		out = append(out, uc)
	}
	return out, rows.Err()
}

// DeleteCalendar removes a calendar and its events. Each event's deletion
// is logged as for DeleteEvent, so that followers and sync clients learn of it;
// ErrWithdrawn if its association is archived or being removed.
func (s *Store) DeleteCalendar(ctx context.Context, id int64) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := newTxq(tx).calendar(ctx, id); err != nil {
			return fmt.Errorf("db: delete calendar %d: %w", id, err)
		}
		return deleteCalendarTx(ctx, tx, id)
	})
}

func deleteCalendarTx(ctx context.Context, tx *sql.Tx, id int64) error {
	cal, err := scanCalendar(tx.QueryRowContext(ctx, "SELECT "+calCols+" FROM calendars c WHERE c.id = +?", id))
	if err != nil {
		return fmt.Errorf("db: delete calendar %d: %w", id, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, href, uid, uuid, ap_id, origin FROM events WHERE calendar_id = +?`, id)
	if err != nil {
		return fmt.Errorf("db: delete calendar %d: %w", id, err)
	}
	type gone struct {
		id                          int64
		href, uid, uuid, apID, orig string
	}
	var all []gone
	for rows.Next() {
		var g gone
		if err := rows.Scan(&g.id, &g.href, &g.uid, &g.uuid, &g.apID, &g.orig); err != nil {
			rows.Close()
			return fmt.Errorf("db: delete calendar %d: %w", id, err)
		}
		all = append(all, g)
	}
	rows.Close()
	q := newTxq(tx)
	for _, g := range all {
		if err := deleteEventTx(ctx, q, cal, g.id, g.href, g.uid, g.uuid, g.apID, g.orig); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM calendars WHERE id = +?`, id); err != nil {
		return fmt.Errorf("db: delete calendar %d: %w", id, err)
	}
	return nil
}
