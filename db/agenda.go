package db

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Queries of the public agenda (web package): the freshness of what it
// shows, the texts of the objects of a feed, and the filter choices.

// LastChange returns the newest sequence of the change log and the time of
// that change (0 and the zero time when the log is empty): what feeds use
// for their ETag and Last-Modified.
func (s *Store) LastChange(ctx context.Context) (int64, time.Time, error) {
	var seq int64
	var at string
	err := s.r.QueryRowContext(ctx, `SELECT seq, at FROM changes ORDER BY seq DESC LIMIT 1`).Scan(&seq, &at)
	if err != nil {
		if mapErr(err) == ErrNotFound {
			return 0, time.Time{}, nil
		}
		return 0, time.Time{}, fmt.Errorf("db: last change: %w", err)
	}
	return seq, parseTime(at), nil
}

// MaxEventsData bounds the ids of one EventsData call.
const MaxEventsData = 5000

// EventsData returns the iCalendar text of the given events by id (missing
// ids are absent), for feeds built from an instance query.
func (s *Store) EventsData(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) > MaxEventsData {
		return nil, fmt.Errorf("db: events data: %d ids, at most %d", len(ids), MaxEventsData)
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.r.QueryContext(ctx, `SELECT id, data FROM events WHERE id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("db: events data: %w", err)
		}
		for rows.Next() {
			var id int64
			var data string
			if err := rows.Scan(&id, &data); err != nil {
				rows.Close()
				return nil, fmt.Errorf("db: events data: %w", err)
			}
			out[id] = data
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("db: events data: %w", err)
		}
	}
	return out, nil
}

// PublicCategories returns the categories of the events the public agenda
// shows that have an occurrence ending after from, by name, at most limit.
func (s *Store) PublicCategories(ctx context.Context, from time.Time, limit int) ([]string, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	// Each distinct name (read off the category index) is kept when one
	// shown event has it: a probe that stops at the first, instead of
	// joining every categorised event of the store (300 ms at 100 000).
	rows, err := s.r.QueryContext(ctx, `SELECT min(d.category) FROM (SELECT DISTINCT category FROM event_categories) d
		WHERE EXISTS (SELECT 1 FROM event_categories ec
			JOIN events e ON e.id = ec.event_id
			JOIN calendars c ON c.id = e.calendar_id
			WHERE ec.category = d.category AND `+publicEventSQL+`
			AND EXISTS (SELECT 1 FROM event_instances i WHERE i.event_id = e.id AND i.end_utc >= ?))
		GROUP BY lower(d.category) ORDER BY lower(d.category) LIMIT +?`, fmtTime(from), limit)
	if err != nil {
		return nil, fmt.Errorf("db: public categories: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("db: public categories: %w", err)
		}
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// FeedEventIDs returns the ids of the distinct events that have an
// occurrence overlapping [q.From, q.To) and match q's filters (the same as
// ListInstances: Public, associations, calendars, communes, categories,
// text; IncludeCancelled), in the order of their first such occurrence, at
// most limit (capped at MaxEventsData). An ICS feed keeps recurring events
// whole, so it needs events, not occurrences.
func (s *Store) FeedEventIDs(ctx context.Context, q InstanceQuery, limit int) ([]int64, error) {
	query, args, err := s.feedSQL(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: feed events: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: feed events: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// feedSQL is the query of FeedEventIDs and its arguments.
func (s *Store) feedSQL(ctx context.Context, q InstanceQuery, limit int) (string, []any, error) {
	if !q.To.After(q.From) {
		return "", nil, fmt.Errorf("db: feed events: the end of the range must be after its start")
	}
	if limit <= 0 || limit > MaxEventsData {
		limit = MaxEventsData
	}
	longest, err := s.longestInstance(ctx)
	if err != nil {
		return "", nil, err
	}
	var sb strings.Builder
	args := make([]any, 0, 16)
	// DISTINCT in start order lets SQLite walk the start index and stop as
	// soon as it has limit events, instead of grouping the whole range.
	// The events and their calendars are read only when a filter needs
	// them: walking a year of occurrences to find a category's thousand
	// events, their lookups were most of the work.
	sb.WriteString(`SELECT DISTINCT i.event_id FROM event_instances i`)
	if filtersReadEvents(q) {
		sb.WriteString(` JOIN events e ON e.id = i.event_id JOIN calendars c ON c.id = e.calendar_id`)
	}
	sb.WriteString(`
		WHERE i.start_utc >= ? AND i.start_utc < ? AND (i.end_utc > ? OR (i.end_utc = i.start_utc AND i.start_utc >= ?))`)
	args = append(args, fmtTime(q.From.Add(-longest)), fmtTime(q.To), fmtTime(q.From), fmtTime(q.From))
	if err := s.writeInstanceFilters(ctx, &sb, &args, q); err != nil {
		return "", nil, err
	}
	sb.WriteString(" ORDER BY i.start_utc, i.event_id LIMIT +?")
	args = append(args, limit)
	return sb.String(), args, nil
}
