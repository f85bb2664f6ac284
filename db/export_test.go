package db

import (
	"context"
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
