package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

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

// MetaChangesPruned is the meta key of the newest seq the change log was
// pruned through (see PruneChanges).
const MetaChangesPruned = "changes.pruned_seq"

// pruneBatch bounds the rows one transaction of PruneChanges deletes, so
// that writers wait at most for one batch.
const pruneBatch = 5000

// PruneChanges deletes the change log rows made before `before`, up to the
// federation publisher's cursor (it still has to read the rest), except
// the last row of each calendar: that one keeps every calendar's newest seq
// in the log, and the log's own newest, so that seq never goes back (ids
// are never reused, see 0004_ids.sql). It returns how many rows it
// deleted. SyncFloor tells which sync tokens the pruned log still answers.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) (int64, error) {
	cursor, err := s.GetMeta(ctx, MetaPublisherSeq)
	if errors.Is(err, ErrNotFound) {
		return 0, nil // no publisher has read the log yet: keep it all
	}
	if err != nil {
		return 0, err
	}
	published, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("db: prune changes: publisher cursor %q: %w", cursor, err)
	}
	var cut int64
	if err := s.r.QueryRowContext(ctx, `SELECT ifnull(max(seq), 0) FROM changes WHERE seq <= ? AND at < ?`,
		published, fmtTime(before)).Scan(&cut); err != nil {
		return 0, fmt.Errorf("db: prune changes: %w", err)
	}
	var total int64
	for {
		var done bool
		err := s.Tx(ctx, func(tx *sql.Tx) error {
			var from, prunedThrough int64
			if err := tx.QueryRowContext(ctx, `SELECT ifnull(min(seq), 0) FROM changes`).Scan(&from); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT ifnull((SELECT CAST(value AS INTEGER) FROM meta WHERE key = +?), 0)`,
				MetaChangesPruned).Scan(&prunedThrough); err != nil {
				return err
			}
			upTo := min(cut, max(from, prunedThrough)+pruneBatch)
			const doomed = `FROM changes WHERE seq <= ? AND seq < (SELECT max(c.seq) FROM changes c WHERE c.calendar_id = changes.calendar_id)`
			// Each calendar's floor: the newest of its rows to go.
			if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value)
				SELECT ? || calendar_id, CAST(max(seq) AS TEXT) `+doomed+` GROUP BY calendar_id
				ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)`,
				metaSyncFloor, upTo); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `DELETE `+doomed, upTo)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += n
			if upTo > prunedThrough {
				if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
					MetaChangesPruned, strconv.FormatInt(upTo, 10)); err != nil {
					return err
				}
			}
			done = upTo >= cut
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("db: prune changes: %w", err)
		}
		if done {
			return total, nil
		}
	}
}

// metaSyncFloor prefixes the meta key of a calendar's floor (SyncFloor).
const metaSyncFloor = "changes.floor."

// SyncFloor returns the seq from which the change log still holds every
// change of a calendar (0 when none was pruned): the newest of its rows
// PruneChanges deleted. A sync token of that calendar at a seq below it
// may have missed changes that were pruned, and must be refused; at or
// above it, everything since is still there (PruneChanges only ever
// deletes the oldest rows of a calendar).
func (s *Store) SyncFloor(ctx context.Context, calendarID int64) (int64, error) {
	var floor int64
	err := s.r.QueryRowContext(ctx, `SELECT ifnull((SELECT CAST(value AS INTEGER) FROM meta WHERE key = +?), 0)`,
		metaSyncFloor+strconv.FormatInt(calendarID, 10)).Scan(&floor)
	if err != nil {
		return 0, fmt.Errorf("db: sync floor of calendar %d: %w", calendarID, err)
	}
	return floor, nil
}
