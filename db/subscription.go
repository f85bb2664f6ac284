package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/bastide47/bastide/db/model"
)

const subCols = `s.id, s.calendar_id, c.slug, ifnull(c.association_id, 0), ifnull(a.slug, ''), s.url, s.interval_seconds,
	s.etag, s.last_modified, s.body_sha256, s.last_success_at, s.last_error_code, s.last_error, s.last_error_at,
	s.next_at, s.failures, s.created_at, s.updated_at
	FROM subscriptions s JOIN calendars c ON c.id = s.calendar_id LEFT JOIN associations a ON a.id = c.association_id`

func scanSubscription(row interface{ Scan(...any) error }) (*model.Subscription, error) {
	var s model.Subscription
	var secs int64
	var success, errAt, next, created, updated string
	if err := row.Scan(&s.ID, &s.CalendarID, &s.CalendarSlug, &s.AssociationID, &s.AssociationSlug, &s.URL, &secs,
		&s.ETag, &s.LastModified, &s.BodySHA256, &success, &s.LastErrorCode, &s.LastError, &errAt,
		&next, &s.Failures, &created, &updated); err != nil {
		return nil, mapErr(err)
	}
	s.Interval = time.Duration(secs) * time.Second
	s.LastSuccess, s.LastErrorAt = parseTime(success), parseTime(errAt)
	s.NextAt, s.CreatedAt, s.UpdatedAt = parseTime(next), parseTime(created), parseTime(updated)
	return &s, nil
}

// SubscribeCalendar makes the calendar slug of an association follow
// sub.URL (normalized first), due at once, in one transaction. A missing
// calendar is created with name (default: the slug) and public; an
// existing one must hold no events, since the feed would replace them,
// and follow no other feed (ErrConflict). It returns the calendar and
// whether it was created.
func (s *Store) SubscribeCalendar(ctx context.Context, associationID int64, slug, name string, public bool, sub *model.Subscription) (*model.Calendar, bool, error) {
	u, err := model.NormalizeFeedURL(sub.URL)
	if err != nil {
		return nil, false, err
	}
	sub.URL = u
	if sub.Interval == 0 {
		sub.Interval = model.DefaultSubscriptionInterval
	}
	if sub.Interval < model.MinSubscriptionInterval {
		return nil, false, &model.ValidationError{Field: "interval", Msg: fmt.Sprintf("a feed is refreshed at most every %s", model.MinSubscriptionInterval)}
	}
	var cal *model.Calendar
	created := false
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		c, err := scanCalendar(tx.QueryRowContext(ctx, "SELECT "+calCols+
			" FROM calendars c WHERE c.kind = 'association' AND c.association_id = +? AND c.slug = +?", associationID, slug))
		switch {
		case errors.Is(err, ErrNotFound):
			if name == "" {
				name = slug
			}
			c = &model.Calendar{Kind: model.CalendarAssociation, AssociationID: associationID, Slug: slug, Name: name,
				Public: public, Components: []string{"VEVENT"}}
			if err := c.Validate(); err != nil {
				return err
			}
			c.CreatedAt = now()
			if err := insertCalendar(ctx, tx, c); err != nil {
				return err
			}
			created = true
		case err != nil:
			return fmt.Errorf("db: subscribe calendar %q: %w", slug, err)
		case c.ReadOnlySource() != "":
			return fmt.Errorf("db: the calendar %q already follows %s: %w", slug, c.ReadOnlySource(), ErrConflict)
		default:
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM events WHERE calendar_id = +?", c.ID).Scan(&n); err != nil {
				return fmt.Errorf("db: subscribe calendar %q: %w", slug, err)
			}
			if n > 0 {
				return &model.ValidationError{Field: "calendar",
					Msg: fmt.Sprintf("the calendar %q holds %d events, which the feed would replace: choose a new calendar", slug, n)}
			}
		}
		t := now()
		sub.CalendarID, sub.CreatedAt, sub.UpdatedAt, sub.NextAt = c.ID, t, t, t
		res, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (calendar_id, url, interval_seconds, next_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, sub.CalendarID, sub.URL, int64(sub.Interval/time.Second), fmtTime(t), fmtTime(t), fmtTime(t))
		if err != nil {
			return fmt.Errorf("db: create subscription: %w", mapErr(err))
		}
		sub.ID, _ = res.LastInsertId()
		c.SubscriptionURL = sub.URL
		cal = c
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return cal, created, nil
}

// GetSubscription returns a subscription by id.
func (s *Store) GetSubscription(ctx context.Context, id int64) (*model.Subscription, error) {
	sub, err := scanSubscription(s.r.QueryRowContext(ctx, "SELECT "+subCols+" WHERE s.id = +?", id))
	if err != nil {
		return nil, fmt.Errorf("db: get subscription %d: %w", id, err)
	}
	return sub, nil
}

// ListSubscriptions returns the subscriptions of an association (all of
// them when associationID is 0), by calendar slug.
func (s *Store) ListSubscriptions(ctx context.Context, associationID int64) ([]*model.Subscription, error) {
	return s.listSubscriptions(ctx, " WHERE (+? = 0 OR c.association_id = +?) ORDER BY a.slug, c.slug", associationID, associationID)
}

// DueSubscriptions returns up to limit subscriptions whose next try is at
// or before t, the most overdue first.
func (s *Store) DueSubscriptions(ctx context.Context, t time.Time, limit int) ([]*model.Subscription, error) {
	return s.listSubscriptions(ctx, " WHERE s.next_at <= ? ORDER BY s.next_at, s.id LIMIT +?", fmtTime(t), limit)
}

func (s *Store) listSubscriptions(ctx context.Context, where string, args ...any) ([]*model.Subscription, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+subCols+where, args...)
	if err != nil {
		return nil, fmt.Errorf("db: list subscriptions: %w", err)
	}
	defer rows.Close()
	var out []*model.Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("db: list subscriptions: %w", err)
		}
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: list subscriptions: %w", err)
	}
	return out, nil
}

// DeleteSubscription stops a subscription. The calendar and its events
// stay, and the calendar is writable again.
func (s *Store) DeleteSubscription(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM subscriptions WHERE id = +?", id)
	if err != nil {
		return fmt.Errorf("db: delete subscription %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("db: delete subscription %d: %w", id, ErrNotFound)
	}
	return nil
}

// RefreshSubscriptionSoon makes a subscription due now ("refresh now" in
// the pages): the worker takes it at its next tick.
func (s *Store) RefreshSubscriptionSoon(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, "UPDATE subscriptions SET next_at = ? WHERE id = +?", fmtTime(now()), id)
	if err != nil {
		return fmt.Errorf("db: refresh subscription %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("db: refresh subscription %d: %w", id, ErrNotFound)
	}
	return nil
}

// SubscriptionSuccess records a refresh that worked: the validators and
// body hash to send and compare next time (empty ones keep the stored
// values, as after a 304), no error, and the next try one interval on.
func (s *Store) SubscriptionSuccess(ctx context.Context, id int64, etag, lastModified, bodySHA256 string, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE subscriptions SET
		etag = CASE WHEN ? = '' THEN etag ELSE ? END,
		last_modified = CASE WHEN ? = '' THEN last_modified ELSE ? END,
		body_sha256 = CASE WHEN ? = '' THEN body_sha256 ELSE ? END,
		last_success_at = ?, last_error_code = '', last_error = '', last_error_at = '', failures = 0,
		next_at = strftime('%Y-%m-%dT%H:%M:%SZ', ?, '+' || interval_seconds || ' seconds'), updated_at = ?
		WHERE id = +?`, etag, etag, lastModified, lastModified, bodySHA256, bodySHA256,
		fmtTime(at), fmtTime(at), fmtTime(now()), id)
	if err != nil {
		return fmt.Errorf("db: subscription %d success: %w", id, err)
	}
	return nil
}

// SubscriptionFailure records a failed refresh: the code and detail, one
// more failure, and the next try after the backoff.
func (s *Store) SubscriptionFailure(ctx context.Context, id int64, code, detail string, at time.Time) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var failures int
		if err := tx.QueryRowContext(ctx, "SELECT failures FROM subscriptions WHERE id = +?", id).Scan(&failures); err != nil {
			return fmt.Errorf("db: subscription %d failure: %w", id, mapErr(err))
		}
		failures++
		if len(detail) > 1000 {
			detail = detail[:1000]
		}
		next := at.Add(model.SubscriptionBackoff(failures))
		_, err := tx.ExecContext(ctx, `UPDATE subscriptions SET last_error_code = ?, last_error = ?, last_error_at = ?,
			failures = ?, next_at = ?, updated_at = ? WHERE id = +?`,
			code, detail, fmtTime(at), failures, fmtTime(next), fmtTime(now()), id)
		if err != nil {
			return fmt.Errorf("db: subscription %d failure: %w", id, err)
		}
		return nil
	})
}

// DeleteEventsNotIn deletes the events of a calendar whose UID is not in
// keep, logging each delete (so that the fediverse gets its Delete), in one
// transaction. It returns how many were deleted.
func (s *Store) DeleteEventsNotIn(ctx context.Context, calendarID int64, keep map[string]bool) (int, error) {
	n := 0
	err := s.Tx(ctx, func(stx *sql.Tx) error {
		tx := newTxq(stx)
		cal, err := tx.calendar(ctx, calendarID)
		if err != nil {
			return fmt.Errorf("db: delete missing events: calendar %d: %w", calendarID, err)
		}
		type gone struct {
			id                            int64
			href, uid, uuid, apID, origin string
		}
		var del []gone
		rows, err := tx.QueryContext(ctx, "SELECT id, href, uid, uuid, ap_id, origin FROM events WHERE calendar_id = +?", calendarID)
		if err != nil {
			return fmt.Errorf("db: delete missing events: %w", err)
		}
		for rows.Next() {
			var g gone
			if err := rows.Scan(&g.id, &g.href, &g.uid, &g.uuid, &g.apID, &g.origin); err != nil {
				rows.Close()
				return fmt.Errorf("db: delete missing events: %w", err)
			}
			if !keep[g.uid] {
				del = append(del, g)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("db: delete missing events: %w", err)
		}
		for _, g := range del {
			if err := deleteEventTx(ctx, tx, cal, g.id, g.href, g.uid, g.uuid, g.apID, g.origin); err != nil {
				return err
			}
		}
		n = len(del)
		return nil
	})
	return n, err
}

// StoredAPIDs returns which of ids (normalized ActivityPub ids) name an
// event stored from the fediverse.
func (s *Store) StoredAPIDs(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.r.QueryContext(ctx, `SELECT ap_id FROM events WHERE ap_id <> '' AND ap_id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("db: stored ActivityPub ids: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("db: stored ActivityPub ids: %w", err)
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("db: stored ActivityPub ids: %w", err)
		}
	}
	return out, nil
}

// The same event from a subscription and from the fediverse.
//
// A Mobilizon group's ICS feed names each event by its ActivityPub id
// (as its URL, or as its UID for another Bastide or a Gancio), and a
// followed group or instance brings the same event over the fediverse.
// The rule, whichever arrives first: the copy of the subscribed calendar
// wins. The feed is the association's source of truth for its calendar,
// and its copy carries the association's name, place and moderation; the
// fediverse copy would only show the event a second time. So:
//
//   - a write into a subscribed calendar deletes the stored fediverse
//     copies its UID or URL names (feedWins);
//   - a fediverse write of an event that a subscribed calendar holds is
//     not made (heldByFeed), and a stored copy of it goes.
//
// Only a public calendar's copy wins (a private one would take the event
// off the agenda); a calendar made public or private later follows the
// rule from its next write. Both happen inside the write's transaction,
// so no reader ever sees the event twice. Ids compare as model.NormalizeIRI spells them (scheme and
// host in lower case); the feed's text is compared without case.

// feedIRIs returns the http(s) ids that an event of a feed may carry.
func feedIRIs(e *model.Event) []string {
	var out []string
	for _, s := range []string{e.URL, e.UID} {
		if model.IRIOrigin(s) != "" && !slices.Contains(out, model.NormalizeIRI(s)) {
			out = append(out, model.NormalizeIRI(s))
		}
	}
	return out
}

// feedWins deletes the fediverse copies of e, an event written into the
// subscribed public calendar cal, and returns how many went.
func feedWins(ctx context.Context, tx *txq, cal *model.Calendar, e *model.Event) (int, error) {
	if cal.SubscriptionURL == "" || !cal.Public || cal.Withdrawn {
		return 0, nil
	}
	n := 0
	for _, id := range feedIRIs(e) {
		h, err := head(ctx, tx, "ap_id = +? AND origin = '"+model.OriginRemote+"'", id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("db: put event %s: fediverse copy: %w", e.Href, err)
		}
		rc, err := tx.calendar(ctx, h.calendarID)
		if err != nil {
			return n, fmt.Errorf("db: put event %s: fediverse copy: %w", e.Href, err)
		}
		if err := deleteEventTx(ctx, tx, rc, h.id, h.href, h.uid, h.uuid, id, model.OriginRemote); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// heldByFeed tells whether an event of a subscribed public calendar
// names the (normalized) ActivityPub id apID by its UID or URL.
func heldByFeed(ctx context.Context, tx *txq, apID string) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM subscriptions s JOIN calendars c ON c.id = s.calendar_id
		JOIN events f ON f.calendar_id = s.calendar_id
		WHERE `+publicCalendarSQL+` AND (f.uid = +? COLLATE NOCASE OR f.url = +? COLLATE NOCASE) LIMIT 1`, apID, apID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("db: put event: held by a feed: %w", err)
	}
	return true, nil
}
