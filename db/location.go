package db

import (
	"context"
	"fmt"
)

// AssociationLocations returns the places (LOCATION texts) of an
// association's events, the most recently written first, at most limit:
// the places the event form offers to choose again.
func (s *Store) AssociationLocations(ctx context.Context, associationID int64, limit int) ([]string, error) {
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT e.location FROM events e
		JOIN calendars c ON c.id = e.calendar_id
		WHERE c.association_id = ? AND e.location != ''
		GROUP BY e.location ORDER BY max(e.updated_at) DESC LIMIT +?`, associationID, limit)
	if err != nil {
		return nil, fmt.Errorf("db: association locations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, fmt.Errorf("db: association locations: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
