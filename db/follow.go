package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// Follow is a remote source we follow: a Mobilizon group or an instance
// relay. Its events are stored in the remote calendar CalendarID.
type Follow struct {
	ID int64
	// Object is the followed actor's ActivityPub id.
	Object string
	// FollowID is the id of the Follow activity we sent.
	FollowID   string
	State      string
	Trusted    bool
	CalendarID int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// RefreshedAt is when the source was last polled, or is due again
	// minus the interval after a failure (the refresher's clock).
	RefreshedAt time.Time
	// LastSuccess is when the source was last read without error;
	// LastError and LastErrorAt say what went wrong since, if anything.
	LastSuccess time.Time
	LastError   string
	LastErrorAt time.Time
}

const followCols = `id, object, follow_id, state, trusted, calendar_id, created_at, updated_at, refreshed_at,
	last_success_at, last_error, last_error_at`

func scanFollow(row interface{ Scan(...any) error }) (*Follow, error) {
	var f Follow
	var trusted int
	var c, u, r, ok, errAt string
	if err := row.Scan(&f.ID, &f.Object, &f.FollowID, &f.State, &trusted, &f.CalendarID, &c, &u, &r,
		&ok, &f.LastError, &errAt); err != nil {
		return nil, mapErr(err)
	}
	f.Trusted = trusted == 1
	f.CreatedAt, f.UpdatedAt, f.RefreshedAt = parseTime(c), parseTime(u), parseTime(r)
	f.LastSuccess, f.LastErrorAt = parseTime(ok), parseTime(errAt)
	return &f, nil
}

// PutFollow records a follow of a remote source, or updates the one of
// the same object (a new Follow id, trust).
func (s *Store) PutFollow(ctx context.Context, f *Follow) error {
	t := now()
	f.CreatedAt, f.UpdatedAt = t, t
	f.Object, f.FollowID = model.NormalizeIRI(f.Object), model.NormalizeIRI(f.FollowID)
	err := s.w.QueryRowContext(ctx, `INSERT INTO follows (object, follow_id, state, trusted, calendar_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (object) DO UPDATE SET follow_id = excluded.follow_id, state = excluded.state,
		trusted = excluded.trusted, calendar_id = excluded.calendar_id, updated_at = excluded.updated_at RETURNING id`,
		f.Object, f.FollowID, f.State, b2i(f.Trusted), f.CalendarID, fmtTime(t), fmtTime(t)).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("db: put follow %s: %w", f.Object, mapErr(err))
	}
	return nil
}

// GetFollow returns the follow of a remote actor.
func (s *Store) GetFollow(ctx context.Context, object string) (*Follow, error) {
	f, err := scanFollow(s.r.QueryRowContext(ctx, "SELECT "+followCols+" FROM follows WHERE object = +?", model.NormalizeIRI(object)))
	if err != nil {
		return nil, fmt.Errorf("db: get follow %s: %w", object, err)
	}
	return f, nil
}

// GetFollowByID returns a follow by its row id.
func (s *Store) GetFollowByID(ctx context.Context, id int64) (*Follow, error) {
	f, err := scanFollow(s.r.QueryRowContext(ctx, "SELECT "+followCols+" FROM follows WHERE id = +?", id))
	if err != nil {
		return nil, fmt.Errorf("db: get follow %d: %w", id, err)
	}
	return f, nil
}

// GetFollowByFollowID returns the follow whose Follow activity has this id.
func (s *Store) GetFollowByFollowID(ctx context.Context, followID string) (*Follow, error) {
	f, err := scanFollow(s.r.QueryRowContext(ctx, "SELECT "+followCols+" FROM follows WHERE follow_id = +?", model.NormalizeIRI(followID)))
	if err != nil {
		return nil, fmt.Errorf("db: get follow %s: %w", followID, err)
	}
	return f, nil
}

// SetFollowState records the answer (Accept, Reject) to one of our Follows.
func (s *Store) SetFollowState(ctx context.Context, id int64, state string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE follows SET state = ?, updated_at = ? WHERE id = +?`, state, fmtTime(now()), id)
	if err != nil {
		return fmt.Errorf("db: set follow state: %w", err)
	}
	return affectedOne(res, fmt.Sprintf("db: set follow %d state", id))
}

// MarkFollowRefreshed records that the source was read without error at t.
func (s *Store) MarkFollowRefreshed(ctx context.Context, id int64, t time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE follows SET refreshed_at = ?, last_success_at = ?, last_error = '', last_error_at = ''
		WHERE id = +?`, fmtTime(t), fmtTime(t), id)
	if err != nil {
		return fmt.Errorf("db: mark follow refreshed: %w", err)
	}
	return nil
}

// maxFollowError bounds the error text kept for a source.
const maxFollowError = 500

// MarkFollowFailed records that reading the source failed at t with
// message, and sets its refresh clock to clock (when it is due again,
// minus the interval).
func (s *Store) MarkFollowFailed(ctx context.Context, id int64, t, clock time.Time, message string) error {
	if len(message) > maxFollowError {
		message = strings.ToValidUTF8(message[:maxFollowError], "") + "…"
	}
	_, err := s.w.ExecContext(ctx, `UPDATE follows SET refreshed_at = ?, last_error = ?, last_error_at = ? WHERE id = +?`,
		fmtTime(clock), message, fmtTime(t), id)
	if err != nil {
		return fmt.Errorf("db: mark follow failed: %w", err)
	}
	return nil
}

// DeleteFollow forgets a followed source (its calendar stays).
func (s *Store) DeleteFollow(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM follows WHERE id = +?`, id)
	if err != nil {
		return fmt.Errorf("db: delete follow: %w", err)
	}
	return affectedOne(res, fmt.Sprintf("db: delete follow %d", id))
}

// ListFollows returns every followed source, oldest first.
func (s *Store) ListFollows(ctx context.Context) ([]*Follow, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+followCols+" FROM follows ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("db: list follows: %w", err)
	}
	defer rows.Close()
	var out []*Follow
	for rows.Next() {
		f, err := scanFollow(rows)
		if err != nil {
			return nil, fmt.Errorf("db: list follows: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
