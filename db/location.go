package db

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// AssociationLocations returns the places (LOCATION texts) of an
// association's recent events, the most recently made first, at most
// limit: the places the event form offers to choose again. Only the last
// 500 events are read, shared out among the calendars (at least 50 each,
// through the calendar_id, id index), so the query stays small however
// many events and calendars there are.
func (s *Store) AssociationLocations(ctx context.Context, associationID int64, limit int) ([]string, error) {
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	cals, err := s.ListCalendars(ctx, CalendarFilter{AssociationID: associationID})
	if err != nil {
		return nil, err
	}
	type seen struct {
		id  int64
		loc string
	}
	var all []seen
	// The latest 500 events in all, shared out among the calendars (an
	// association with twenty calendars reads 1 000, not 10 000).
	per := max(50, 500/max(1, len(cals)))
	for _, c := range cals {
		rows, err := s.r.QueryContext(ctx, `SELECT id, location FROM events
			WHERE calendar_id = +? ORDER BY id DESC LIMIT +?`, c.ID, per)
		if err != nil {
			return nil, fmt.Errorf("db: association locations: %w", err)
		}
		for rows.Next() {
			var x seen
			if err := rows.Scan(&x.id, &x.loc); err != nil {
				rows.Close()
				return nil, fmt.Errorf("db: association locations: %w", err)
			}
			if x.loc != "" {
				all = append(all, x)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("db: association locations: %w", err)
		}
	}
	slices.SortFunc(all, func(a, b seen) int { return cmp.Compare(b.id, a.id) })
	var out []string
	for _, x := range all {
		if len(out) == limit {
			break
		}
		if !slices.Contains(out, x.loc) {
			out = append(out, x.loc)
		}
	}
	return out, nil
}
