package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PublishFailure is an event the publisher could not publish.
type PublishFailure struct {
	UUID      string
	Attempts  int
	NextAt    time.Time
	LastError string
	// Since is when it first failed.
	Since time.Time
}

// publishRetry is the wait after the n-th failure: 30 s doubling, at most
// six hours.
func publishRetry(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// maxPublishError bounds the error text kept for an event.
const maxPublishError = 500

// RecordPublishFailure counts one more failure to publish the event uuid
// at now, with its error, and schedules the next try; it returns the
// number of failures so far.
func (s *Store) RecordPublishFailure(ctx context.Context, uuid, message string, now time.Time) (int, error) {
	if len(message) > maxPublishError {
		message = strings.ToValidUTF8(message[:maxPublishError], "") + "…"
	}
	var n int
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT attempts FROM publish_failures WHERE uuid = +?`, uuid).Scan(&n); err != nil && !errors.Is(mapErr(err), ErrNotFound) {
			return err
		}
		n++
		_, err := tx.ExecContext(ctx, `INSERT INTO publish_failures (uuid, attempts, next_at, last_error, since) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (uuid) DO UPDATE SET attempts = excluded.attempts, next_at = excluded.next_at, last_error = excluded.last_error`,
			uuid, n, fmtMilli(now.Add(publishRetry(n))), message, fmtTime(now))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: record publish failure of %s: %w", uuid, err)
	}
	return n, nil
}

// ClearPublishFailure forgets the failures of an event that went out.
func (s *Store) ClearPublishFailure(ctx context.Context, uuid string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM publish_failures WHERE uuid = +?`, uuid); err != nil {
		return fmt.Errorf("db: clear publish failure of %s: %w", uuid, err)
	}
	return nil
}

// DuePublishFailures returns the failed events due for another try at t,
// the longest waiting first, at most limit.
func (s *Store) DuePublishFailures(ctx context.Context, t time.Time, limit int) ([]PublishFailure, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT uuid, attempts, next_at, last_error, since FROM publish_failures
		WHERE next_at <= +? ORDER BY next_at LIMIT +?`, fmtMilli(t), limit)
	if err != nil {
		return nil, fmt.Errorf("db: due publish failures: %w", err)
	}
	defer rows.Close()
	var out []PublishFailure
	for rows.Next() {
		var f PublishFailure
		var next, since string
		if err := rows.Scan(&f.UUID, &f.Attempts, &next, &f.LastError, &since); err != nil {
			return nil, fmt.Errorf("db: due publish failures: %w", err)
		}
		f.NextAt, f.Since = parseMilli(next), parseTime(since)
		out = append(out, f)
	}
	return out, rows.Err()
}
