package db

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bastide47/bastide/db/model"
)

// InstanceQuery selects occurrences that overlap [From, To). Zero filter
// fields match everything.
type InstanceQuery struct {
	From, To       time.Time
	CalendarIDs    []int64
	AssociationIDs []int64
	Categories     []string
	Communes       []string
	// Text is a free-text search over summary, description, location and
	// categories, accents folded; every word must match (as a prefix).
	Text string
	// Public restricts to what the public may see (model.PublicOccurrence):
	// public calendars, approved events, neither the event nor the
	// occurrence PRIVATE or CONFIDENTIAL.
	Public bool
	// IncludeCancelled keeps cancelled occurrences and events.
	IncludeCancelled bool
	// After continues a previous page: occurrences strictly after it.
	After *InstanceCursor
	// Limit bounds the page; 0 means 100, and it is capped at 5000.
	Limit int
}

// InstanceCursor is a position in the (start, event id) order.
type InstanceCursor struct {
	Start   time.Time
	EventID int64
}

// String encodes the cursor for a URL.
func (c InstanceCursor) String() string {
	return strconv.FormatInt(c.Start.Unix(), 36) + "." + strconv.FormatInt(c.EventID, 36)
}

// ParseInstanceCursor decodes a cursor made by String.
func ParseInstanceCursor(s string) (*InstanceCursor, error) {
	a, b, ok := strings.Cut(s, ".")
	if !ok {
		return nil, fmt.Errorf("db: bad page cursor %q", s)
	}
	sec, err1 := strconv.ParseInt(a, 36, 64)
	id, err2 := strconv.ParseInt(b, 36, 64)
	if err1 != nil || err2 != nil || id < 0 {
		return nil, fmt.Errorf("db: bad page cursor %q", s)
	}
	return &InstanceCursor{Start: time.Unix(sec, 0).UTC(), EventID: id}, nil
}

// InstanceRow is one occurrence with its event (without the iCalendar
// text) as the occurrence shows it (model.Occurrence: an override's own
// summary, description, location and commune), and the event's
// association.
type InstanceRow struct {
	Instance        model.Instance
	Event           *model.Event
	AssociationID   int64
	AssociationSlug string
	AssociationName string
}

// MaxInstancePage bounds InstanceQuery.Limit.
const MaxInstancePage = 5000

// ListInstances returns occurrences overlapping [From, To) in (start, event)
// order, one page at a time.
func (s *Store) ListInstances(ctx context.Context, q InstanceQuery) ([]InstanceRow, error) {
	if q.To.Before(q.From) || q.To.Equal(q.From) {
		return nil, &model.ValidationError{Field: "to", Msg: "the end of the range must be after its start"}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	if limit > MaxInstancePage {
		limit = MaxInstancePage
	}
	query, args, err := s.instancesSQL(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: list instances: %w", err)
	}
	defer rows.Close()
	out := make([]InstanceRow, 0, min(limit, 256))
	for rows.Next() {
		var r InstanceRow
		var sc instanceScan
		ev, err := scanEventAfter(rows, sc.dest(&r.Instance), &r.AssociationID, &r.AssociationSlug, &r.AssociationName)
		if err != nil {
			return nil, fmt.Errorf("db: list instances: %w", err)
		}
		sc.finish(&r.Instance, ev.ID)
		// The event as this occurrence shows it: an override's own texts
		// (any other occurrence shows the event as it is).
		r.Event = ev
		if r.Instance.Override {
			r.Event = model.Occurrence(ev, &r.Instance)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// instancesSQL is the query of ListInstances and its arguments.
func (s *Store) instancesSQL(ctx context.Context, q InstanceQuery, limit int) (string, []any, error) {
	longest, err := s.longestInstance(ctx)
	if err != nil {
		return "", nil, err
	}
	var sb strings.Builder
	args := make([]any, 0, 16)
	sb.WriteString("SELECT " + instanceCols + ", " + eventCols +
		`NULL, ifnull(a.id, 0), ifnull(a.slug, ''), ifnull(a.name, '')
		FROM event_instances i
		JOIN events e ON e.id = i.event_id
		JOIN calendars c ON c.id = e.calendar_id
		LEFT JOIN associations a ON a.id = c.association_id
		WHERE i.start_utc >= ? AND i.start_utc < ? AND (i.end_utc > ? OR (i.end_utc = i.start_utc AND i.start_utc >= ?))`)
	// An occurrence that overlaps From started at most `longest` before it;
	// this lower bound keeps the scan on the start index.
	lower := q.From.Add(-longest)
	if q.After != nil && q.After.Start.After(lower) {
		lower = q.After.Start
	}
	args = append(args, fmtTime(lower), fmtTime(q.To), fmtTime(q.From), fmtTime(q.From))
	if q.After != nil {
		sb.WriteString(" AND (i.start_utc > ? OR (i.start_utc = +? AND i.event_id > ?))")
		args = append(args, fmtTime(q.After.Start), fmtTime(q.After.Start), q.After.EventID)
	}
	if err := s.writeInstanceFilters(ctx, &sb, &args, q); err != nil {
		return "", nil, err
	}
	sb.WriteString(" ORDER BY i.start_utc, i.event_id LIMIT +?")
	args = append(args, limit)

	return sb.String(), args, nil
}

// scanEventAfter scans leading columns into before, then an event, then extra.
func scanEventAfter(row interface{ Scan(...any) error }, before []any, extra ...any) (*model.Event, error) {
	return scanEvent(prefixScanner{row, before}, false, extra...)
}

type prefixScanner struct {
	row    interface{ Scan(...any) error }
	before []any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.row.Scan(append(append([]any{}, p.before...), dest...)...)
}

// writeInstanceFilters appends q's filters (calendars, associations,
// communes, categories, text, public, cancelled) to a query over
// event_instances i, events e and calendars c.
//
// The filters on events (text, categories) are written so that SQLite
// starts from the one that matches few events (at most sparseEvents: it
// reads their occurrences and sorts them) and otherwise walks the
// occurrences in date order (by commune when there is one) checking them
// against the matching events, which finds a page after a few hundred
// rows. Left to itself, SQLite starts from the list of matching events
// whatever its length: 16 000 events sorted for a page of 50.
func (s *Store) writeInstanceFilters(ctx context.Context, sb *strings.Builder, args *[]any, q InstanceQuery) error {
	inInts(sb, args, "e.calendar_id", q.CalendarIDs)
	inInts(sb, args, "c.association_id", q.AssociationIDs)
	if len(q.Communes) > 0 {
		sb.WriteString(" AND i.commune_insee IN (" + placeholders(len(q.Communes)) + ")")
		for _, c := range q.Communes {
			*args = append(*args, c)
		}
	}
	if len(q.Categories) > 0 {
		cats := make([]any, len(q.Categories))
		for i, c := range q.Categories {
			cats[i] = c
		}
		sparse, err := s.fewEvents(ctx, "SELECT 1 FROM event_categories WHERE category IN ("+placeholders(len(cats))+")", cats...)
		if err != nil {
			return err
		}
		if sparse {
			sb.WriteString(" AND i.event_id IN (SELECT event_id FROM event_categories WHERE category IN (" + placeholders(len(cats)) + "))")
		} else {
			// One probe of the primary key per occurrence walked, rather
			// than a list of every event of a common category.
			sb.WriteString(" AND EXISTS (SELECT 1 FROM event_categories ec WHERE ec.event_id = i.event_id AND ec.category IN (" + placeholders(len(cats)) + "))")
		}
		*args = append(*args, cats...)
	}
	if m := FTSQuery(q.Text); m != "" {
		sparse, err := s.fewEvents(ctx, "SELECT 1 FROM events_fts WHERE events_fts MATCH ?", m)
		if err != nil {
			return err
		}
		sb.WriteString(" AND " + driving(sparse) + "i.event_id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)")
		*args = append(*args, m)
	}
	if q.Public {
		sb.WriteString(" AND i.public = 1") // publicInstanceSQL, stored (see refreshFlagsSQL)
	}
	if !q.IncludeCancelled {
		sb.WriteString(" AND i.status <> 'CANCELLED' AND e.status <> 'CANCELLED'")
	}
	return nil
}

// filtersReadEvents tells whether the filters writeInstanceFilters writes
// for q name the event e or its calendar c; without them, a query may
// read event_instances alone (the other filters are on the occurrence
// and its event's id).
func filtersReadEvents(q InstanceQuery) bool {
	return len(q.CalendarIDs) > 0 || len(q.AssociationIDs) > 0 || !q.IncludeCancelled
}

// sparseEvents is the most events a filter may match and still be where
// a listing starts (see writeInstanceFilters).
const sparseEvents = 1000

// fewEvents tells whether the query (one row per matching event) yields
// at most sparseEvents rows; it stops counting past that.
func (s *Store) fewEvents(ctx context.Context, query string, args ...any) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM ("+query+" LIMIT "+strconv.Itoa(sparseEvents+1)+")", args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("db: count matching events: %w", err)
	}
	return n <= sparseEvents, nil
}

// driving is "" for a filter SQLite may start from, and the unary plus
// that keeps it from doing so otherwise.
func driving(sparse bool) string {
	if sparse {
		return ""
	}
	return "+"
}

func inInts(sb *strings.Builder, args *[]any, col string, ids []int64) {
	if len(ids) == 0 {
		return
	}
	sb.WriteString(" AND " + col + " IN (" + placeholders(len(ids)) + ")")
	for _, id := range ids {
		*args = append(*args, id)
	}
}

func (s *Store) longestInstance(ctx context.Context) (time.Duration, error) {
	v, err := s.GetMeta(ctx, "instance_max_seconds")
	if err != nil {
		if err == ErrNotFound {
			return 0, nil
		}
		return 0, err
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return time.Duration(n) * time.Second, nil
}

// EventIDsInRange returns the ids of a calendar's events with a stored
// occurrence overlapping [from, to), cancelled occurrences excluded.
func (s *Store) EventIDsInRange(ctx context.Context, calendarID int64, from, to time.Time) (map[int64]bool, error) {
	longest, err := s.longestInstance(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT i.event_id FROM event_instances i JOIN events e ON e.id = i.event_id
		WHERE e.calendar_id = +? AND i.start_utc >= ? AND i.start_utc < ? AND (i.end_utc > ? OR (i.end_utc = i.start_utc AND i.start_utc >= ?))
		AND i.status <> 'CANCELLED'`,
		calendarID, fmtTime(from.Add(-longest)), fmtTime(to), fmtTime(from), fmtTime(from))
	if err != nil {
		return nil, fmt.Errorf("db: events in range: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: events in range: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// FTSQuery turns what a person typed into an FTS4 query: every word must
// appear, as a prefix (word*). Only letters and digits make words, so no
// quote, parenthesis, '-', '*' or ':' (a column filter) reaches SQLite, and
// words are lower-cased, so that none is an operator (AND, OR, NOT and
// NEAR are operators only in upper case). At most 16 words of at most 64
// bytes each are kept, which bounds the work of one search.
func FTSQuery(text string) string {
	const maxWords, maxBytes = 16, 64
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	parts := make([]string, 0, len(words))
	for _, w := range words {
		w = strings.ToLower(w)
		if len(w) > maxBytes {
			// Cut on a character boundary: half a character is not UTF-8.
			n := maxBytes
			for n > 0 && !utf8.RuneStart(w[n]) {
				n--
			}
			w = w[:n]
		}
		parts = append(parts, w+"*")
	}
	return strings.Join(parts, " ")
}
