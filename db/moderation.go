package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bastide47/bastide/db/model"
)

// PendingEvent is an event waiting for the admin's decision, whatever
// brought it in (an untrusted followed source, an anonymous proposal),
// with where it comes from.
type PendingEvent struct {
	Event *model.Event
	// CalendarName and Source name the calendar that holds it (Source is
	// the followed actor's id for a remote calendar, else "").
	CalendarName string
	Source       string
	// FollowID is the follow that brought it in, 0 when none did: only
	// then can its source be trusted from the queue.
	FollowID int64
}

// ListPendingEvents returns up to limit events waiting for moderation, the
// soonest first, and how many wait in all.
func (s *Store) ListPendingEvents(ctx context.Context, limit int) ([]PendingEvent, int, error) {
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE moderation = 'pending'`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("db: list pending events: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+eventCols+`NULL, c.name, c.source,
		ifnull((SELECT f.id FROM follows f WHERE f.calendar_id = c.id ORDER BY f.id LIMIT 1), 0)
		FROM events e JOIN calendars c ON c.id = e.calendar_id
		WHERE e.moderation = 'pending' ORDER BY e.start_utc, e.id LIMIT +?`, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("db: list pending events: %w", err)
	}
	defer rows.Close()
	var out []PendingEvent
	for rows.Next() {
		var p PendingEvent
		p.Event, err = scanEvent(rows, false, &p.CalendarName, &p.Source, &p.FollowID)
		if err != nil {
			return nil, 0, fmt.Errorf("db: list pending events: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("db: list pending events: %w", err)
	}
	return out, total, nil
}

// Moderate decides on a pending event: approved (it becomes public at
// once, if its calendar and class allow) or rejected (it stays hidden,
// and a later copy from its source keeps that decision). The decision is
// logged as a change of the event, so that the agenda, the feeds, CalDAV
// sync and the publisher see it like any other write. An event that is
// not pending any more gives ErrPrecondition (someone decided first).
func (s *Store) Moderate(ctx context.Context, eventID int64, decision string) error {
	if decision != model.ModerationApproved && decision != model.ModerationRejected {
		return fmt.Errorf("db: moderate event %d: %q is not a decision", eventID, decision)
	}
	return s.Tx(ctx, func(stx *sql.Tx) error {
		tx := newTxq(stx)
		var state string
		if err := tx.QueryRowContext(ctx, `SELECT moderation FROM events WHERE id = +?`, eventID).Scan(&state); err != nil {
			return fmt.Errorf("db: moderate event %d: %w", eventID, mapErr(err))
		}
		if state != model.ModerationPending {
			return fmt.Errorf("db: moderate event %d: it is %s already: %w", eventID, state, ErrPrecondition)
		}
		return moderateTx(ctx, tx, eventID, decision)
	})
}

// TrustSource makes a followed source trusted (its future events are
// approved as they arrive) and approves the events of it still pending;
// it returns how many it approved.
func (s *Store) TrustSource(ctx context.Context, followID int64) (int, error) {
	var n int
	err := s.Tx(ctx, func(stx *sql.Tx) error {
		tx := newTxq(stx)
		var calID int64
		if err := tx.QueryRowContext(ctx, `SELECT calendar_id FROM follows WHERE id = +?`, followID).Scan(&calID); err != nil {
			return fmt.Errorf("db: trust source %d: %w", followID, mapErr(err))
		}
		t := fmtTime(now())
		if _, err := tx.ExecContext(ctx, `UPDATE follows SET trusted = 1, updated_at = ? WHERE id = +?`, t, followID); err != nil {
			return fmt.Errorf("db: trust source %d: %w", followID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calendars SET trusted = 1 WHERE id = +?`, calID); err != nil {
			return fmt.Errorf("db: trust source %d: %w", followID, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM events WHERE calendar_id = +? AND moderation = 'pending' ORDER BY id`, calID)
		ids, err := collect(rows, err, "trust source", func(r interface{ Scan(...any) error }) (id int64, err error) {
			return id, r.Scan(&id)
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := moderateTx(ctx, tx, id, model.ModerationApproved); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// moderateTx records a decision on an event and logs it as a change.
func moderateTx(ctx context.Context, tx *txq, eventID int64, decision string) error {
	var calID int64
	var href, uid, uuid string
	if err := tx.QueryRowContext(ctx, `SELECT calendar_id, href, uid, uuid FROM events WHERE id = +?`, eventID).
		Scan(&calID, &href, &uid, &uuid); err != nil {
		return fmt.Errorf("db: moderate event %d: %w", eventID, mapErr(err))
	}
	t := now()
	if _, err := tx.ExecContext(ctx, `UPDATE events SET moderation = ?, updated_at = ? WHERE id = +?`,
		decision, fmtTime(t), eventID); err != nil {
		return fmt.Errorf("db: moderate event %d: %w", eventID, err)
	}
	_, _, err := logChange(ctx, tx, calID, eventID, href, uid, uuid, model.ChangePut, t)
	return err
}

// UntrustSource stops approving a followed source's events as they
// arrive: the next ones wait for moderation (those approved stay).
func (s *Store) UntrustSource(ctx context.Context, followID int64) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var calID int64
		if err := tx.QueryRowContext(ctx, `SELECT calendar_id FROM follows WHERE id = +?`, followID).Scan(&calID); err != nil {
			return fmt.Errorf("db: untrust source %d: %w", followID, mapErr(err))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE follows SET trusted = 0, updated_at = ? WHERE id = +?`, fmtTime(now()), followID); err != nil {
			return fmt.Errorf("db: untrust source %d: %w", followID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calendars SET trusted = 0 WHERE id = +?`, calID); err != nil {
			return fmt.Errorf("db: untrust source %d: %w", followID, err)
		}
		return nil
	})
}
