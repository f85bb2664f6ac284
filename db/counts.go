package db

import (
	"context"
	"fmt"
)

// Counts is what the instance holds, for the admin's dashboard.
type Counts struct {
	Associations, Users, Events, PendingEvents, Follows int
}

// CountAll counts what the instance holds. It scans the events table:
// the dashboard asks, not /metrics.
func (s *Store) CountAll(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM associations), (SELECT count(*) FROM users),
		(SELECT count(*) FROM events), (SELECT count(*) FROM events WHERE moderation = 'pending'),
		(SELECT count(*) FROM follows)`).Scan(&c.Associations, &c.Users, &c.Events, &c.PendingEvents, &c.Follows)
	if err != nil {
		return Counts{}, fmt.Errorf("db: count all: %w", err)
	}
	return c, nil
}
