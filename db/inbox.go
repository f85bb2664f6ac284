package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// InboxItem is an accepted incoming activity waiting to be processed.
type InboxItem struct {
	ID         int64
	ActivityID string
	// Signer is the actor whose HTTP signature was checked.
	Signer     string
	Body       []byte
	Attempts   int
	NextAt     time.Time
	ReceivedAt time.Time
}

// AcceptInbox records an activity id as seen and queues the activity, in
// one transaction. It returns ErrConflict, and queues nothing, when the id
// was seen before (a replay). An empty id is not checked for replays.
func (s *Store) AcceptInbox(ctx context.Context, activityID, signer string, body []byte) error {
	t := fmtTime(now())
	due := fmtMilli(time.Now())
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if activityID != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_seen (activity_id, seen_at) VALUES (?, ?)`, activityID, t); err != nil {
				return fmt.Errorf("db: accept activity %s: %w", activityID, mapErr(err))
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_queue (activity_id, signer, body, next_at, received_at) VALUES (?, ?, ?, ?, ?)`,
			activityID, signer, string(body), due, t); err != nil {
			return fmt.Errorf("db: queue activity %s: %w", activityID, err)
		}
		return nil
	})
}

// DueInbox returns queued activities due at or before t, oldest first.
func (s *Store) DueInbox(ctx context.Context, t time.Time, limit int) ([]*InboxItem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, activity_id, signer, body, attempts, next_at, received_at FROM inbox_queue
		WHERE next_at <= ? ORDER BY id LIMIT +?`, fmtMilli(t), limit)
	if err != nil {
		return nil, fmt.Errorf("db: due inbox: %w", err)
	}
	defer rows.Close()
	var out []*InboxItem
	for rows.Next() {
		var it InboxItem
		var body, next, recv string
		if err := rows.Scan(&it.ID, &it.ActivityID, &it.Signer, &body, &it.Attempts, &next, &recv); err != nil {
			return nil, fmt.Errorf("db: due inbox: %w", err)
		}
		it.Body, it.NextAt, it.ReceivedAt = []byte(body), parseMilli(next), parseTime(recv)
		out = append(out, &it)
	}
	return out, rows.Err()
}

// DoneInbox removes a processed activity from the queue.
func (s *Store) DoneInbox(ctx context.Context, id int64) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM inbox_queue WHERE id = +?`, id); err != nil {
		return fmt.Errorf("db: done inbox %d: %w", id, err)
	}
	return nil
}

// RetryInbox schedules another attempt at a queued activity.
func (s *Store) RetryInbox(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error {
	if len(lastErr) > 500 {
		lastErr = lastErr[:500]
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE inbox_queue SET attempts = ?, next_at = ?, last_error = ? WHERE id = +?`,
		attempts, fmtMilli(next), lastErr, id); err != nil {
		return fmt.Errorf("db: retry inbox %d: %w", id, err)
	}
	return nil
}

// InboxQueueLen returns how many activities wait in the queue.
func (s *Store) InboxQueueLen(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM inbox_queue`).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: inbox queue: %w", err)
	}
	return n, nil
}

// PruneInboxSeen forgets replay ids older than before (activities whose
// Date would be refused anyway).
func (s *Store) PruneInboxSeen(ctx context.Context, before time.Time) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM inbox_seen WHERE seen_at < ?`, fmtTime(before)); err != nil {
		return fmt.Errorf("db: prune inbox seen: %w", err)
	}
	return nil
}
