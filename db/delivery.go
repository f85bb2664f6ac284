package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// Delivery states.
const (
	DeliveryPending = "pending"
	DeliveryDone    = "done"
	DeliveryDead    = "dead"
)

// Delivery is one activity to send to one inbox.
type Delivery struct {
	ID            int64
	ActivityID    int64
	ActivityAPID  string
	AssociationID int64
	Body          []byte
	Inbox         string
	Host          string
	State         string
	Attempts      int
	NextAt        time.Time
	LastStatus    int
	LastError     string
}

// milliLayout orders queue times finer than the second: retry delays of
// tests (and the first retries) are shorter than a second.
const milliLayout = "2006-01-02T15:04:05.000Z"

func fmtMilli(t time.Time) string { return t.UTC().Format(milliLayout) }

func parseMilli(s string) time.Time {
	t, err := time.Parse(milliLayout, s)
	if err != nil {
		return parseTime(s)
	}
	return t
}

// QueueActivityTx stores an outgoing activity signed by an association's
// Group (associationID) or the relay (0), and one delivery per distinct
// inbox, due now. Inboxes that are not http(s) URLs are skipped.
func QueueActivityTx(ctx context.Context, tx *sql.Tx, apID string, associationID int64, body []byte, inboxes []string) error {
	t := fmtTime(now())
	due := fmtMilli(time.Now())
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO activities (ap_id, association_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		apID, associationID, string(body), t).Scan(&id)
	if err != nil {
		return fmt.Errorf("db: queue activity %s: %w", apID, mapErr(err))
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO deliveries (activity_id, inbox, host, state, next_at, created_at, updated_at)
		VALUES (?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (activity_id, inbox) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("db: queue activity %s: %w", apID, err)
	}
	defer st.Close()
	for _, in := range inboxes {
		in = model.NormalizeIRI(in)
		u, err := url.Parse(in)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			continue
		}
		if _, err := st.ExecContext(ctx, id, in, strings.ToLower(u.Host), due, t, t); err != nil {
			return fmt.Errorf("db: queue delivery to %s: %w", in, err)
		}
	}
	return nil
}

// QueueActivity is QueueActivityTx in a transaction of its own.
func (s *Store) QueueActivity(ctx context.Context, apID string, associationID int64, body []byte, inboxes []string) error {
	return s.Tx(ctx, func(tx *sql.Tx) error { return QueueActivityTx(ctx, tx, apID, associationID, body, inboxes) })
}

// DueDeliveries returns pending deliveries due at or before t, oldest due
// first, skipping the ids in exclude (those in flight) and the hosts in
// skipHosts (those already at their concurrency cap), at most limit.
func (s *Store) DueDeliveries(ctx context.Context, t time.Time, limit int, exclude map[int64]bool, skipHosts []string) ([]*Delivery, error) {
	q := `SELECT d.id, d.activity_id, a.ap_id, a.association_id, a.body, d.inbox, d.host, d.state,
		d.attempts, d.next_at, d.last_status, d.last_error
		FROM deliveries d JOIN activities a ON a.id = d.activity_id
		WHERE d.state = 'pending' AND d.next_at <= ?`
	args := []any{fmtMilli(t)}
	if len(skipHosts) > 0 {
		q += ` AND d.host NOT IN (` + placeholders(len(skipHosts)) + `)`
		for _, h := range skipHosts {
			args = append(args, h)
		}
	}
	q += ` ORDER BY d.next_at, d.id LIMIT +?`
	args = append(args, limit+len(exclude))
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("db: due deliveries: %w", err)
	}
	defer rows.Close()
	var out []*Delivery
	for rows.Next() {
		var d Delivery
		var body, next string
		if err := rows.Scan(&d.ID, &d.ActivityID, &d.ActivityAPID, &d.AssociationID, &body, &d.Inbox, &d.Host, &d.State,
			&d.Attempts, &next, &d.LastStatus, &d.LastError); err != nil {
			return nil, fmt.Errorf("db: due deliveries: %w", err)
		}
		if exclude[d.ID] {
			continue
		}
		d.Body, d.NextAt = []byte(body), parseMilli(next)
		out = append(out, &d)
		if len(out) >= limit {
			break
		}
	}
	return out, rows.Err()
}

// NextDeliveryAt returns when the next pending delivery is due (zero if none).
func (s *Store) NextDeliveryAt(ctx context.Context) (time.Time, error) {
	var next sql.NullString
	if err := s.r.QueryRowContext(ctx, `SELECT min(next_at) FROM deliveries WHERE state = 'pending'`).Scan(&next); err != nil {
		return time.Time{}, fmt.Errorf("db: next delivery: %w", err)
	}
	return parseMilli(next.String), nil
}

// FinishDelivery records the outcome of an attempt: done, retry at next
// (state pending) or dead. Activities left without pending deliveries are
// pruned with their done rows.
func (s *Store) FinishDelivery(ctx context.Context, id int64, state string, attempts int, next time.Time, status int, lastErr string) error {
	if len(lastErr) > 500 {
		lastErr = lastErr[:500]
	}
	_, err := s.w.ExecContext(ctx, `UPDATE deliveries SET state = ?, attempts = ?, next_at = ?, last_status = ?, last_error = ?,
		updated_at = ? WHERE id = +?`, state, attempts, fmtMilli(next), status, lastErr, fmtTime(now()), id)
	if err != nil {
		return fmt.Errorf("db: finish delivery %d: %w", id, err)
	}
	return nil
}

// PruneDeliveries removes done deliveries, and activities that no longer
// have any delivery, older than before.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE state = 'done' AND updated_at < ?`, fmtTime(before)); err != nil {
			return fmt.Errorf("db: prune deliveries: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM activities WHERE created_at < ? AND NOT EXISTS
			(SELECT 1 FROM deliveries d WHERE d.activity_id = activities.id)`, fmtTime(before)); err != nil {
			return fmt.Errorf("db: prune activities: %w", err)
		}
		return nil
	})
}

// DeliveryCounts returns how many deliveries are in each state.
func (s *Store) DeliveryCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT state, count(*) FROM deliveries GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("db: count deliveries: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("db: count deliveries: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// PruneDeadDeliveries removes deliveries given up on before `before`: the
// admin and /metrics have shown them long enough. Their activities then go
// with PruneDeliveries' rule for activities without deliveries.
func (s *Store) PruneDeadDeliveries(ctx context.Context, before time.Time) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM deliveries WHERE state = 'dead' AND updated_at < ?`, fmtTime(before)); err != nil {
		return fmt.Errorf("db: prune dead deliveries: %w", err)
	}
	return nil
}
