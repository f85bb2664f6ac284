package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// Queries of the CalDAV server: calendars as one user reaches them, object
// listings that never read the iCalendar text, the instance index as the
// time-range filter needs it, and the dead properties clients set.

// DAVCalendar is a calendar as a user reaches it through CalDAV, with the URL
// segment a client chose for it (empty: the slug) and its dead properties.
type DAVCalendar struct {
	UserCalendar
	Segment string
}

const (
	resolvePersonalQuery = "SELECT " + calCols + `, '', 'owner', ifnull(n.segment, '') FROM calendars c
			LEFT JOIN caldav_names n ON n.calendar_id = c.id
			WHERE c.kind = 'personal' AND c.owner_user_id = +? AND c.slug = +?`
	resolveAssocQuery = "SELECT " + calCols + `, a.slug, m.role, '' FROM calendars c
			JOIN associations a ON a.id = c.association_id
			JOIN memberships m ON m.association_id = a.id AND m.user_id = +?
			WHERE c.kind = 'association' AND a.slug = +? AND c.slug = +?`
)

// ResolveDAVCalendar returns the calendar a user reaches by name: a personal
// calendar (assocSlug empty) of the user, or a calendar of an association the
// user belongs to, with the user's role. ErrNotFound otherwise, whether the
// calendar exists or not.
func (s *Store) ResolveDAVCalendar(ctx context.Context, userID int64, assocSlug, calSlug string) (*DAVCalendar, error) {
	var row *sql.Row
	if assocSlug == "" {
		row = s.r.QueryRowContext(ctx, resolvePersonalQuery, userID, calSlug)
	} else {
		row = s.r.QueryRowContext(ctx, resolveAssocQuery, userID, assocSlug, calSlug)
	}
	var dc DAVCalendar
	var role string
	c, err := scanCalendar(row, &dc.AssociationSlug, &role, &dc.Segment)
	if err != nil {
		return nil, fmt.Errorf("db: resolve calendar: %w", err)
	}
	dc.Calendar, dc.Role = c, model.Role(role)
	return &dc, nil
}

// ListDAVCalendars returns every calendar of a user's CalDAV home: their
// personal calendars and those of their associations.
func (s *Store) ListDAVCalendars(ctx context.Context, userID int64) ([]DAVCalendar, error) {
	ucs, err := s.ListUserCalendars(ctx, userID)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT n.calendar_id, n.segment FROM caldav_names n
		JOIN calendars c ON c.id = n.calendar_id WHERE c.kind = 'personal' AND c.owner_user_id = +?`, userID)
	if err != nil {
		return nil, fmt.Errorf("db: list calendar names: %w", err)
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var seg string
		if err := rows.Scan(&id, &seg); err != nil {
			return nil, fmt.Errorf("db: list calendar names: %w", err)
		}
		names[id] = seg
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]DAVCalendar, 0, len(ucs))
	for _, uc := range ucs {
		out = append(out, DAVCalendar{UserCalendar: uc, Segment: names[uc.Calendar.ID]})
	}
	return out, nil
}

// DAVProp is a dead property of a calendar: its XML namespace, local name
// and XML content, and the xml:lang in scope where it was set (RFC 4918
// §4.3), if any.
type DAVProp struct {
	NS, Name, Value string
	Lang            string
}

// GetDAVProps returns a calendar's dead properties.
func (s *Store) GetDAVProps(ctx context.Context, calendarID int64) ([]DAVProp, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT ns, name, value, lang FROM caldav_props WHERE calendar_id = +? ORDER BY ns, name`, calendarID)
	if err != nil {
		return nil, fmt.Errorf("db: get properties: %w", err)
	}
	defer rows.Close()
	var out []DAVProp
	for rows.Next() {
		var p DAVProp
		if err := rows.Scan(&p.NS, &p.Name, &p.Value, &p.Lang); err != nil {
			return nil, fmt.Errorf("db: get properties: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MaxDAVProps bounds the dead properties of one calendar, and
// MaxDAVPropValue the size of one.
const (
	MaxDAVProps     = 64
	MaxDAVPropValue = 16 << 10
)

func setDAVPropsTx(ctx context.Context, tx *sql.Tx, calendarID int64, set []DAVProp, remove []DAVProp) error {
	for _, p := range remove {
		if _, err := tx.ExecContext(ctx, `DELETE FROM caldav_props WHERE calendar_id = +? AND ns = +? AND name = +?`, calendarID, p.NS, p.Name); err != nil {
			return fmt.Errorf("db: remove property: %w", err)
		}
	}
	for _, p := range set {
		if len(p.Value) > MaxDAVPropValue || len(p.NS)+len(p.Name)+len(p.Lang) > 1024 {
			return &model.ValidationError{Field: p.Name, Msg: fmt.Sprintf("the property is larger than %d bytes", MaxDAVPropValue)}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO caldav_props (calendar_id, ns, name, value, lang) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (calendar_id, ns, name) DO UPDATE SET value = excluded.value, lang = excluded.lang`, calendarID, p.NS, p.Name, p.Value, p.Lang); err != nil {
			return fmt.Errorf("db: set property: %w", err)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM caldav_props WHERE calendar_id = +?`, calendarID).Scan(&n); err != nil {
		return fmt.Errorf("db: count properties: %w", err)
	}
	if n > MaxDAVProps {
		return &model.ValidationError{Field: "properties", Msg: fmt.Sprintf("a calendar holds at most %d custom properties", MaxDAVProps)}
	}
	return nil
}

// PatchDAVCalendar saves a calendar's live properties (as UpdateCalendar)
// and its dead properties in one transaction: all or nothing.
func (s *Store) PatchDAVCalendar(ctx context.Context, c *model.Calendar, set, remove []DAVProp) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE calendars SET name = ?, description = ?, color = ?, sort_order = ?,
			timezone = ? WHERE id = +?`, c.Name, c.Description, c.Color, c.Order, c.Timezone, c.ID)
		if err != nil {
			return fmt.Errorf("db: update calendar %d: %w", c.ID, mapErr(err))
		}
		if err := affectedOne(res, fmt.Sprintf("db: update calendar %d", c.ID)); err != nil {
			return err
		}
		return setDAVPropsTx(ctx, tx, c.ID, set, remove)
	})
}

// CreateDAVCalendar stores a calendar created by a CalDAV client, with the
// URL segment the client chose (when it differs from the slug) and its dead
// properties, in one transaction. ErrConflict if the name is taken.
func (s *Store) CreateDAVCalendar(ctx context.Context, c *model.Calendar, segment string, props []DAVProp) error {
	if len(c.Components) == 0 {
		c.Components = []string{"VEVENT"}
	}
	if err := c.Validate(); err != nil {
		return err
	}
	c.CreatedAt = now()
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertCalendar(ctx, tx, c); err != nil {
			return err
		}
		if segment != "" && segment != c.Slug {
			if _, err := tx.ExecContext(ctx, `INSERT INTO caldav_names (calendar_id, segment) VALUES (?, ?)`, c.ID, segment); err != nil {
				return fmt.Errorf("db: create calendar %s: %w", c.Slug, mapErr(err))
			}
		}
		return setDAVPropsTx(ctx, tx, c.ID, props, nil)
	})
}

// ObjectHead is what a listing needs of an object, without its text.
type ObjectHead struct {
	ID        int64
	Href      string
	ETag      string
	Size      int64
	Component string
	Updated   time.Time
}

const headCols = `id, href, etag, octet_length(data), component, updated_at`

func scanHeads(rows *sql.Rows, fn func(ObjectHead) error) error {
	defer rows.Close()
	for rows.Next() {
		var h ObjectHead
		var upd string
		if err := rows.Scan(&h.ID, &h.Href, &h.ETag, &h.Size, &h.Component, &upd); err != nil {
			return fmt.Errorf("db: list objects: %w", err)
		}
		h.Updated = parseTime(upd)
		if err := fn(h); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachObjectHead calls fn for every object of a calendar, by href, without
// reading their text. Size is -1 unless withSize is set (the size costs a
// read of every text).
func (s *Store) EachObjectHead(ctx context.Context, calendarID int64, withSize bool, fn func(ObjectHead) error) error {
	cols := `id, href, etag, -1, component, updated_at`
	if withSize {
		cols = headCols
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+cols+` FROM events WHERE calendar_id = +? ORDER BY href`, calendarID)
	if err != nil {
		return fmt.Errorf("db: list objects: %w", err)
	}
	return scanHeads(rows, fn)
}

// ObjectData is an object with its text (Size is -1 when the text was
// not read).
type ObjectData struct {
	ObjectHead
	Data string
}

// idChunk bounds the parameters of one IN (...) list.
const idChunk = 500

// EachObjectData calls fn for objects of a calendar, with their text when
// withData is set: those with the given ids, or all of them when ids is nil;
// component, when set, restricts to that component.
func (s *Store) EachObjectData(ctx context.Context, calendarID int64, ids []int64, component string, withData bool, fn func(ObjectData) error) error {
	col := "NULL"
	if withData {
		col = "data"
	}
	run := func(where string, args ...any) error {
		q := `SELECT id, href, etag, -1, component, updated_at, ` + col + ` FROM events WHERE calendar_id = +?` + where
		if component != "" {
			q += ` AND component = +?`
			args = append(args, component)
		}
		rows, err := s.r.QueryContext(ctx, q+` ORDER BY href`, append([]any{calendarID}, args...)...)
		if err != nil {
			return fmt.Errorf("db: read objects: %w", err)
		}
		return eachObjectRow(rows, withData, fn)
	}
	if ids == nil {
		return run("")
	}
	for len(ids) > 0 {
		n := min(len(ids), idChunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if err := run(" AND id IN ("+placeholders(n)+")", args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// eachObjectRow calls fn for every row of an object listing query
// (id, href, etag, size, component, updated_at, data or NULL), then closes
// the rows.
func eachObjectRow(rows *sql.Rows, withData bool, fn func(ObjectData) error) error {
	defer rows.Close()
	for rows.Next() {
		var o ObjectData
		var upd string
		var data sql.NullString
		if err := rows.Scan(&o.ID, &o.Href, &o.ETag, &o.Size, &o.Component, &upd, &data); err != nil {
			return fmt.Errorf("db: read objects: %w", err)
		}
		o.Updated, o.Data = parseTime(upd), data.String
		if withData {
			o.Size = int64(len(o.Data))
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachObjectByHref calls fn for the objects of a calendar at the given
// hrefs, with their text when withData is set (missing ones are skipped).
// The hrefs go as one JSON array, so that a single prepared statement
// serves any number of them.
func (s *Store) EachObjectByHref(ctx context.Context, calendarID int64, hrefs []string, withData bool, fn func(ObjectData) error) error {
	if len(hrefs) == 0 {
		return nil
	}
	list, err := json.Marshal(hrefs)
	if err != nil {
		return fmt.Errorf("db: read objects: %w", err)
	}
	query := byHrefsQuery
	if withData {
		query = byHrefsDataQuery
	}
	rows, err := s.r.QueryContext(ctx, query, calendarID, string(list))
	if err != nil {
		return fmt.Errorf("db: read objects: %w", err)
	}
	return eachObjectRow(rows, withData, fn)
}

const (
	byHrefsQuery = `SELECT id, href, etag, -1, component, updated_at, NULL FROM events
		WHERE calendar_id = +? AND href IN (SELECT value FROM json_each(?))`
	byHrefsDataQuery = `SELECT id, href, etag, -1, component, updated_at, data FROM events
		WHERE calendar_id = +? AND href IN (SELECT value FROM json_each(?))`
)

// DAVInstance is a stored occurrence as the time-range filter reads it.
type DAVInstance struct {
	EventID   int64
	Start     time.Time
	End       time.Time
	Status    string
	Component string
	// Wall is true for all-day and floating occurrences: Start and End
	// hold the wall clock read as UTC. It is the event's kind, but for an
	// override of the other kind (model.Instance.OtherKind).
	Wall bool
}

// EachInstanceInRange calls fn for the stored occurrences of a calendar
// that may overlap [from, to) once widened by pad on both sides (pad covers
// the time zone of floating and all-day events). Cancelled occurrences are
// included: callers decide.
func (s *Store) EachInstanceInRange(ctx context.Context, calendarID int64, from, to time.Time, pad time.Duration, fn func(DAVInstance) error) error {
	longest, err := s.longestInstance(ctx)
	if err != nil {
		return err
	}
	lo, hi := from.Add(-pad), to.Add(pad)
	rows, err := s.r.QueryContext(ctx, `SELECT i.event_id, i.start_utc, i.end_utc, i.status, e.component, (e.all_day OR e.floating) <> i.other_kind
		FROM event_instances i CROSS JOIN events e INDEXED BY caldav_events_kind ON e.calendar_id = +? AND e.id = i.event_id
		WHERE i.start_utc >= ? AND i.start_utc < ? AND (i.end_utc >= ? OR i.start_utc >= ?)`, calendarID,
		fmtTime(lo.Add(-longest)), fmtTime(hi), fmtTime(lo), fmtTime(lo))
	if err != nil {
		return fmt.Errorf("db: instances in range: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var in DAVInstance
		var st, en string
		var wall int
		if err := rows.Scan(&in.EventID, &st, &en, &in.Status, &in.Component, &wall); err != nil {
			return fmt.Errorf("db: instances in range: %w", err)
		}
		in.Start, in.End, in.Wall = parseTime(st), parseTime(en), wall == 1
		if err := fn(in); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CappedBounds is an event whose stored expansion was cut, with the first
// and last stored occurrence starts: outside them, the index is incomplete.
type CappedBounds struct {
	EventID   int64
	First     time.Time
	Last      time.Time
	Wall      bool
	Component string
	HasStored bool
}

// ListCappedBounds returns the capped events of a calendar with the bounds
// of their stored occurrences.
func (s *Store) ListCappedBounds(ctx context.Context, calendarID int64) ([]CappedBounds, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT e.id,
		ifnull((SELECT min(start_utc) FROM event_instances WHERE event_id = e.id AND override = 0), ''),
		ifnull((SELECT max(start_utc) FROM event_instances WHERE event_id = e.id AND override = 0), ''),
		e.all_day OR e.floating, e.component
		FROM events e INDEXED BY caldav_events_capped WHERE e.calendar_id = +? AND e.instances_capped = 1`, calendarID)
	if err != nil {
		return nil, fmt.Errorf("db: capped events: %w", err)
	}
	defer rows.Close()
	var out []CappedBounds
	for rows.Next() {
		var c CappedBounds
		var a, b string
		var wall int
		if err := rows.Scan(&c.EventID, &a, &b, &wall, &c.Component); err != nil {
			return nil, fmt.Errorf("db: capped events: %w", err)
		}
		c.First, c.Last, c.Wall, c.HasStored = parseTime(a), parseTime(b), wall == 1, a != ""
		out = append(out, c)
	}
	return out, rows.Err()
}

// ObjectIDsOfComponent returns the ids of a calendar's objects of one
// component ("VTODO" for instance).
func (s *Store) ObjectIDsOfComponent(ctx context.Context, calendarID int64, component string) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM events WHERE calendar_id = +? AND component = +?`, calendarID, component)
	if err != nil {
		return nil, fmt.Errorf("db: objects of %s: %w", component, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const (
	getObjectCols          = `e.id, e.href, e.etag, e.component, e.updated_at, e.data`
	getPersonalObjectQuery = `SELECT ` + getObjectCols + ` FROM calendars c JOIN events e ON e.calendar_id = c.id AND e.href = +?
			WHERE c.kind = 'personal' AND c.owner_user_id = +? AND c.slug = +?`
	getAssocObjectQuery = `SELECT ` + getObjectCols + ` FROM associations a
			JOIN memberships m ON m.association_id = a.id AND m.user_id = +?
			JOIN calendars c ON c.association_id = a.id AND c.kind = 'association' AND c.slug = +?
			JOIN events e ON e.calendar_id = c.id AND e.href = +?
			WHERE a.slug = +?`
)

// GetDAVObject returns, in one query, an object of a calendar a user
// reaches (as ResolveDAVCalendar) with its text: the GET path.
// ErrNotFound when either the calendar or the object is out of reach.
func (s *Store) GetDAVObject(ctx context.Context, userID int64, assocSlug, calSlug, href string) (*ObjectData, error) {
	var row *sql.Row
	if assocSlug == "" {
		row = s.r.QueryRowContext(ctx, getPersonalObjectQuery, href, userID, calSlug)
	} else {
		row = s.r.QueryRowContext(ctx, getAssocObjectQuery, userID, calSlug, href, assocSlug)
	}
	var o ObjectData
	var upd string
	if err := row.Scan(&o.ID, &o.Href, &o.ETag, &o.Component, &upd, &o.Data); err != nil {
		return nil, fmt.Errorf("db: get object %s: %w", href, mapErr(err))
	}
	o.Updated, o.Size = parseTime(upd), int64(len(o.Data))
	return &o, nil
}

// CopyEvent writes dst (as PutEvent) and, when move is set, deletes the
// object srcHref of calendar srcCalendarID whose ETag must still be
// srcETag, in one transaction: a MOVE either happens whole or not at all.
func (s *Store) CopyEvent(ctx context.Context, dst Put, srcCalendarID int64, srcHref, srcETag string, move bool) (PutResult, error) {
	var res PutResult
	err := s.Tx(ctx, func(stx *sql.Tx) error {
		tx := newTxq(stx)
		if move {
			if srcETag == "" {
				return fmt.Errorf("db: move event %s: no ETag: %w", srcHref, ErrPrecondition)
			}
			if err := deleteAtHrefTx(ctx, tx, srcCalendarID, srcHref, srcETag); err != nil {
				return err
			}
		}
		var err error
		res, err = putEventTx(ctx, tx, dst)
		return err
	})
	return res, err
}

// EachEventStartingIn calls fn once for every object of a component with a
// stored occurrence starting in [from, to): the inside of a time range,
// where starting is enough to overlap, counted in SQL.
func (s *Store) EachEventStartingIn(ctx context.Context, calendarID int64, from, to time.Time, component string, fn func(id int64) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT i.event_id FROM event_instances i
		CROSS JOIN events e INDEXED BY caldav_events_kind ON e.calendar_id = +? AND e.id = i.event_id
		WHERE i.start_utc >= ? AND i.start_utc < ? AND e.component = +?`, calendarID, fmtTime(from), fmtTime(to), component)
	if err != nil {
		return fmt.Errorf("db: events starting in range: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("db: events starting in range: %w", err)
		}
		if err := fn(id); err != nil {
			return err
		}
	}
	return rows.Err()
}
