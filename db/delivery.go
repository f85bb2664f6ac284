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
	// Object is what the activity is about ("" if not one object): see
	// activitySubject.
	Object string
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

// activityMark separates, in the id of an activity about an object, the
// object's id from the kind and a random token:
// <object id>/activity/<kind>-<token> (federation's URIs.ActivityID).
const activityMark = "/activity/"

// activitySubject returns the object an activity is about and its kind
// (create, update, delete, announce), read from the activity's id; ""
// for activities that are not about one object (Follow, Accept…).
// Deliveries of one object to one inbox leave in the order they were
// queued, and some supersede older ones still waiting (supersedes).
func activitySubject(apID string) (object, kind string) {
	obj, rest, ok := strings.Cut(apID, activityMark)
	if !ok || obj == "" {
		return "", ""
	}
	kind, _, ok = strings.Cut(rest, "-")
	if !ok || supersedes[kind] == nil && kind != "create" {
		return "", ""
	}
	return obj, kind
}

// supersedes says which waiting deliveries of the same object to the same
// inbox a new activity makes useless: the receiver keeps what arrives
// last, so a newer Update (or Announce, which carries the object) replaces
// an older one, and a Delete replaces everything, a Create included (an
// object deleted before its Create reached an inbox must never show
// there). A Create is never superseded by an Update: the receiver needs
// it to create the object, and it leaves before the Update.
var supersedes = map[string][]string{
	"update":   {"update"},
	"announce": {"announce"},
	"delete":   {"create", "update", "announce"},
}

// subjectRange is the range of activity ids about object of kind ("" for
// any kind), for an index range scan of activities.ap_id.
func subjectRange(object, kind string) (lo, hi string) {
	lo = object + activityMark
	if kind != "" {
		lo += kind + "-"
	}
	return lo, lo[:len(lo)-1] + string(lo[len(lo)-1]+1)
}

// QueueActivityTx stores an outgoing activity signed by an association's
// Group (associationID) or the relay (0), and one delivery per distinct
// inbox, due now. Inboxes that are not http(s) URLs are skipped. Older
// deliveries of the same object to the same inboxes that the activity
// supersedes, and that are still waiting, are marked done without being
// sent.
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
	object, kind := activitySubject(apID)
	var sup *sql.Stmt
	var supArgs []any
	if olds := supersedes[kind]; len(olds) > 0 {
		q := `UPDATE deliveries SET state = 'done', last_error = ?, updated_at = ?
			WHERE inbox = +? AND +state = 'pending' AND activity_id IN (SELECT id FROM activities WHERE `
		supArgs = []any{"superseded by " + apID, t, nil}
		for i, k := range olds {
			if i > 0 {
				q += ` OR `
			}
			q += `(ap_id >= ? AND ap_id < ?)`
			lo, hi := subjectRange(object, k)
			supArgs = append(supArgs, lo, hi)
		}
		if sup, err = tx.PrepareContext(ctx, q+`)`); err != nil {
			return fmt.Errorf("db: queue activity %s: %w", apID, err)
		}
		defer sup.Close()
	}
	for _, in := range inboxes {
		in = model.NormalizeIRI(in)
		u, err := url.Parse(in)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			continue
		}
		if sup != nil {
			supArgs[2] = in
			if _, err := sup.ExecContext(ctx, supArgs...); err != nil {
				return fmt.Errorf("db: supersede deliveries to %s: %w", in, err)
			}
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
// skipHosts (those already at their concurrency cap), at most limit. A
// delivery about an object waits while an older one of the same object to
// the same inbox is pending (in backoff, say): an inbox gets each object's
// activities in the order they were made. The CROSS JOIN makes SQLite look
// the object's few activities up by id range first, then their delivery
// to the inbox, instead of scanning every pending delivery.
func (s *Store) DueDeliveries(ctx context.Context, t time.Time, limit int, exclude map[int64]bool, skipHosts []string) ([]*Delivery, error) {
	q := `SELECT d.id, d.activity_id, a.ap_id, a.association_id, a.body, d.inbox, d.host, d.state,
		d.attempts, d.next_at, d.last_status, d.last_error
		FROM deliveries d JOIN activities a ON a.id = d.activity_id
		WHERE d.state = 'pending' AND d.next_at <= ?
		AND NOT ` + sameSubjectSQL("o.state = 'pending' AND o.id < d.id")
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
		d.Object, _ = activitySubject(d.ActivityAPID)
		out = append(out, &d)
		if len(out) >= limit {
			break
		}
	}
	return out, rows.Err()
}

// sameSubjectSQL is true when another delivery o to the same inbox as the
// delivery d (of activity a) is about the same object and meets cond.
func sameSubjectSQL(cond string) string {
	return `EXISTS (SELECT 1 FROM activities oa CROSS JOIN deliveries o ON o.activity_id = oa.id
			WHERE instr(a.ap_id, '` + activityMark + `') > 1
			AND oa.ap_id >= substr(a.ap_id, 1, instr(a.ap_id, '` + activityMark + `') + ` + fmt.Sprint(len(activityMark)-1) + `)
			AND oa.ap_id < substr(a.ap_id, 1, instr(a.ap_id, '` + activityMark + `') + ` + fmt.Sprint(len(activityMark)-2) + `) || '0'
			AND o.inbox = d.inbox AND ` + cond + `)`
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
// (state pending) or dead. A delivery superseded while it was in flight
// stays done: a failed attempt never brings it back. Activities left
// without pending deliveries are pruned with their done rows.
func (s *Store) FinishDelivery(ctx context.Context, id int64, state string, attempts int, next time.Time, status int, lastErr string) error {
	if len(lastErr) > 500 {
		lastErr = lastErr[:500]
	}
	_, err := s.w.ExecContext(ctx, `UPDATE deliveries SET state = ?, attempts = ?, next_at = ?, last_status = ?, last_error = ?,
		updated_at = ? WHERE id = +? AND state = 'pending'`, state, attempts, fmtMilli(next), status, lastErr, fmtTime(now()), id)
	if err != nil {
		return fmt.Errorf("db: finish delivery %d: %w", id, err)
	}
	return nil
}

// RetryInboxNow makes every pending delivery to inbox that waits in
// backoff due at t: the inbox answered again, so what waits for it need
// not wait for its own retry time (hours, after a long outage). It
// returns how many were moved.
func (s *Store) RetryInboxNow(ctx context.Context, inbox string, t time.Time) (int64, error) {
	r, err := s.w.ExecContext(ctx, `UPDATE deliveries SET next_at = ?, updated_at = ?
		WHERE state = 'pending' AND next_at > ? AND inbox = +?`, fmtMilli(t), fmtTime(now()), fmtMilli(t), inbox)
	if err != nil {
		return 0, fmt.Errorf("db: retry deliveries to %s: %w", inbox, err)
	}
	n, _ := r.RowsAffected()
	return n, nil
}

// RetryHostNow makes every delivery to a host due at t, when the admin
// knows it answers again: those waiting in backoff, and the dead ones,
// which start a new series of attempts. A dead delivery stays dead when a
// later activity about the same object was queued for the same inbox
// since: sending it now would bring back an older state of the object.
// It returns how many deliveries it moved.
func (s *Store) RetryHostNow(ctx context.Context, host string, t time.Time) (int64, error) {
	host = strings.ToLower(host)
	var n int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE deliveries SET next_at = ?, updated_at = ?
			WHERE state = 'pending' AND next_at > ? AND host = +?`, fmtMilli(t), fmtTime(now()), fmtMilli(t), host)
		if err != nil {
			return fmt.Errorf("db: retry deliveries to %s: %w", host, err)
		}
		n, _ = r.RowsAffected()
		r, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', attempts = 0, next_at = ?, updated_at = ?
			WHERE id IN (SELECT d.id FROM deliveries d JOIN activities a ON a.id = d.activity_id
			WHERE d.state = 'dead' AND d.host = +? AND NOT `+sameSubjectSQL("o.id > d.id")+`)`,
			fmtMilli(t), fmtTime(now()), host)
		if err != nil {
			return fmt.Errorf("db: retry dead deliveries to %s: %w", host, err)
		}
		m, _ := r.RowsAffected()
		n += m
		return nil
	})
	return n, err
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
