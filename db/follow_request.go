package db

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// FollowRequest is a follow (or unfollow) the admin asked for on the back
// office: federation's refresher sends it (resolving a handle, fetching
// the actor) and forgets it, or records why it failed.
type FollowRequest struct {
	ID     int64
	Target string
	// Unfollow is set when the admin asked to stop following Target (a
	// followed actor's id).
	Unfollow  bool
	Trusted   bool
	CreatedAt time.Time
	TriedAt   time.Time
	LastError string
}

// MaxFollowTarget bounds a follow target (a handle or a URL).
const MaxFollowTarget = 2000

// RequestFollow records a follow to send; asking again for the same
// target makes it new (untried) with this trust.
func (s *Store) RequestFollow(ctx context.Context, target string, trusted bool) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO follow_requests (target, trusted, created_at) VALUES (?, ?, ?)
		ON CONFLICT (target) DO UPDATE SET kind = 'follow', trusted = excluded.trusted, created_at = excluded.created_at,
		tried_at = '', last_error = ''`, target, b2i(trusted), fmtTime(now()))
	if err != nil {
		return fmt.Errorf("db: request follow of %s: %w", target, err)
	}
	return nil
}

// RequestUnfollow records that the admin wants to stop following a
// source (its actor id); federation sends the Undo and forgets the follow.
func (s *Store) RequestUnfollow(ctx context.Context, object string) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO follow_requests (target, kind, created_at) VALUES (?, 'unfollow', ?)
		ON CONFLICT (target) DO UPDATE SET kind = 'unfollow', trusted = 0, created_at = excluded.created_at,
		tried_at = '', last_error = ''`, object, fmtTime(now()))
	if err != nil {
		return fmt.Errorf("db: request unfollow of %s: %w", object, err)
	}
	return nil
}

// ListFollowRequests returns the follows asked for and not sent yet, or
// failed, oldest first; untried ones only when untried is set.
func (s *Store) ListFollowRequests(ctx context.Context, untried bool, limit int) ([]*FollowRequest, error) {
	q := `SELECT id, target, kind = 'unfollow', trusted, created_at, tried_at, last_error FROM follow_requests`
	if untried {
		q += ` WHERE tried_at = ''`
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY id LIMIT +?`, limit)
	return collect(rows, err, "list follow requests", func(r interface{ Scan(...any) error }) (*FollowRequest, error) {
		var f FollowRequest
		var unfollow, trusted int
		var c, t string
		if err := r.Scan(&f.ID, &f.Target, &unfollow, &trusted, &c, &t, &f.LastError); err != nil {
			return nil, err
		}
		f.Unfollow, f.Trusted, f.CreatedAt, f.TriedAt = unfollow == 1, trusted == 1, parseTime(c), parseTime(t)
		return &f, nil
	})
}

// FinishFollowRequest forgets a request once sent (errMsg ""), or keeps it
// with the reason it failed, for the admin to read.
func (s *Store) FinishFollowRequest(ctx context.Context, id int64, errMsg string) error {
	if errMsg == "" {
		_, err := s.w.ExecContext(ctx, `DELETE FROM follow_requests WHERE id = +?`, id)
		if err != nil {
			return fmt.Errorf("db: finish follow request %d: %w", id, err)
		}
		return nil
	}
	if len(errMsg) > maxFollowError {
		errMsg = strings.ToValidUTF8(errMsg[:maxFollowError], "") + "…"
	}
	_, err := s.w.ExecContext(ctx, `UPDATE follow_requests SET tried_at = ?, last_error = ? WHERE id = +?`,
		fmtTime(now()), errMsg, id)
	if err != nil {
		return fmt.Errorf("db: finish follow request %d: %w", id, err)
	}
	return nil
}

// DeleteFollowRequest removes a request; ErrNotFound if there is none.
func (s *Store) DeleteFollowRequest(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM follow_requests WHERE id = +?`, id)
	if err != nil {
		return fmt.Errorf("db: delete follow request %d: %w", id, err)
	}
	return affectedOne(res, fmt.Sprintf("db: delete follow request %d", id))
}
