package db

import (
	"context"
	"strings"
	"sync/atomic"
)

// CountBcrypt counts the bcrypt comparisons made until the test ends.
func CountBcrypt(t interface{ Cleanup(func()) }) *atomic.Int64 {
	var n atomic.Int64
	orig := bcryptCompare
	bcryptCompare = func(hash, password []byte) error {
		n.Add(1)
		return orig(hash, password)
	}
	t.Cleanup(func() { bcryptCompare = orig })
	return &n
}

// InstancesPlan is SQLite's plan of ListInstances for q, one line a step.
func (s *Store) InstancesPlan(ctx context.Context, q InstanceQuery) (string, error) {
	query, args, err := s.instancesSQL(ctx, q, 50)
	if err != nil {
		return "", err
	}
	return s.plan(ctx, query, args)
}

// FeedPlan is SQLite's plan of FeedEventIDs for q, one line a step.
func (s *Store) FeedPlan(ctx context.Context, q InstanceQuery) (string, error) {
	query, args, err := s.feedSQL(ctx, q, 1000)
	if err != nil {
		return "", err
	}
	return s.plan(ctx, query, args)
}

func (s *Store) plan(ctx context.Context, query string, args []any) (string, error) {
	rows, err := s.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// The SQL texts BenchmarkPlusParams compares with their bare-? forms.
const (
	ResolveAssocQuery   = resolveAssocQuery
	GetAssocObjectQuery = getAssocObjectQuery
)

// ReadRows runs q on the reading pool, as the store's own reads do, and
// returns how many rows it gave.
func (s *Store) ReadRows(ctx context.Context, q string, args ...any) (int, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// WrongFlags counts the occurrences whose stored public flag differs from
// the rule of public.go read afresh (publicInstanceSQL), or whose wall
// flag differs from their event's times, and how many are flagged public.
func (s *Store) WrongFlags(ctx context.Context) (wrong, public int, err error) {
	err = s.w.QueryRowContext(ctx, `SELECT
		ifnull(sum(i.public != (`+publicInstanceSQL+`) OR i.wall != (e.all_day OR e.floating)), 0), ifnull(sum(i.public), 0)
		FROM event_instances i JOIN events e ON e.id = i.event_id JOIN calendars c ON c.id = e.calendar_id`).Scan(&wrong, &public)
	return wrong, public, err
}
