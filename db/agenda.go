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
	rows, err := s.r.QueryContext(ctx, `SELECT min(ec.category) FROM event_categories ec
		JOIN events e ON e.id = ec.event_id
		JOIN calendars c ON c.id = e.calendar_id
		WHERE c.public = 1 AND e.moderation = 'approved' AND e.class NOT IN ('PRIVATE', 'CONFIDENTIAL')
		AND EXISTS (SELECT 1 FROM event_instances i WHERE i.event_id = e.id AND i.end_utc >= ?)
		GROUP BY lower(ec.category) ORDER BY lower(ec.category) LIMIT ?`, fmtTime(from), limit)
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
