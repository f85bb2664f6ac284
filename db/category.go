package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// KnownCategories returns those of names that an event of the public
// agenda has, in the order given: the check of a form's chosen categories
// without listing them all (one indexed probe per name).
func (s *Store) KnownCategories(ctx context.Context, names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		var one int
		err := s.r.QueryRowContext(ctx, `SELECT 1 FROM event_categories ec
			JOIN events e ON e.id = ec.event_id
			JOIN calendars c ON c.id = e.calendar_id
			WHERE ec.category = +? AND `+publicEventSQL+` LIMIT 1`, n).Scan(&one)
		if err == nil {
			out = append(out, n)
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("db: known categories: %w", err)
		}
	}
	return out, nil
}
