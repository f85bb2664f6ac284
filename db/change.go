package db

import (
	"context"
	"fmt"

	"github.com/bastide47/bastide/db/model"
)

// MaxChangePage bounds the changes returned by one call.
const MaxChangePage = 10000

func (s *Store) listChanges(ctx context.Context, where string, args ...any) ([]model.Change, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, calendar_id, event_id, href, uid, uuid, kind, at FROM changes WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("db: list changes: %w", err)
	}
	defer rows.Close()
	var out []model.Change
	for rows.Next() {
		var c model.Change
		var kind, at string
		if err := rows.Scan(&c.Seq, &c.CalendarID, &c.EventID, &c.Href, &c.UID, &c.UUID, &kind, &at); err != nil {
			return nil, fmt.Errorf("db: list changes: %w", err)
		}
		c.Kind, c.At = model.ChangeKind(kind), parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

func clampLimit(limit int) int {
	if limit <= 0 || limit > MaxChangePage {
		return MaxChangePage
	}
	return limit
}

// CalendarChanges returns the changes of a calendar after seq, oldest first.
func (s *Store) CalendarChanges(ctx context.Context, calendarID, since int64, limit int) ([]model.Change, error) {
	return s.listChanges(ctx, `calendar_id = +? AND seq > ? ORDER BY seq LIMIT +?`, calendarID, since, clampLimit(limit))
}

// ChangesAfter returns the changes of every calendar after seq, oldest
// first: what a worker that follows the log reads.
func (s *Store) ChangesAfter(ctx context.Context, since int64, limit int) ([]model.Change, error) {
	return s.listChanges(ctx, `seq > ? ORDER BY seq LIMIT +?`, since, clampLimit(limit))
}

// LastSeq returns the newest sequence of the change log (0 when empty).
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.r.QueryRowContext(ctx, `SELECT ifnull(max(seq), 0) FROM changes`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("db: last seq: %w", err)
	}
	return seq, nil
}

// GetMeta reads a small state value; ErrNotFound if unset.
func (s *Store) GetMeta(ctx context.Context, key string) (string, error) {
	var v string
	if err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = +?`, key).Scan(&v); err != nil {
		return "", mapErr(err)
	}
	return v, nil
}

// SetMeta writes a small state value (a worker's cursor, for instance).
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("db: set %s: %w", key, err)
	}
	return nil
}

// DeleteMeta removes a small state value (nothing happens if it is unset).
func (s *Store) DeleteMeta(ctx context.Context, key string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM meta WHERE key = +?`, key); err != nil {
		return fmt.Errorf("db: delete %s: %w", key, err)
	}
	return nil
}
