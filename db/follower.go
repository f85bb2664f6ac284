package db

import (
	"context"
	"fmt"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// Follower states.
const (
	FollowPending  = "pending"
	FollowAccepted = "accepted"
	FollowRejected = "rejected"
)

// Follower is a remote actor following one of our actors: an association's
// Group, or the instance relay when AssociationID is 0.
type Follower struct {
	ID            int64
	AssociationID int64
	ActorID       string
	// FollowID and FollowJSON are the remote Follow activity, kept whole
	// so that an Accept can carry it exactly.
	FollowID   string
	FollowJSON string
	State      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Inbox is the delivery inbox of the actor (shared when it has one),
	// filled by ListFollowers from remote_actors.
	Inbox string
}

const followerCols = `f.id, f.association_id, f.actor_id, f.follow_id, f.follow_json, f.state, f.created_at, f.updated_at,
	ifnull(nullif(ra.shared_inbox, ''), ifnull(ra.inbox, ''))`

func scanFollower(row interface{ Scan(...any) error }) (*Follower, error) {
	var f Follower
	var c, u string
	if err := row.Scan(&f.ID, &f.AssociationID, &f.ActorID, &f.FollowID, &f.FollowJSON, &f.State, &c, &u, &f.Inbox); err != nil {
		return nil, mapErr(err)
	}
	f.CreatedAt, f.UpdatedAt = parseTime(c), parseTime(u)
	return &f, nil
}

// PutFollower records a Follow of one of our actors (or a new Follow of
// the same actor, which replaces the old one).
func (s *Store) PutFollower(ctx context.Context, f *Follower) error {
	t := now()
	f.CreatedAt, f.UpdatedAt = t, t
	f.ActorID, f.FollowID = model.NormalizeIRI(f.ActorID), model.NormalizeIRI(f.FollowID)
	err := s.w.QueryRowContext(ctx, `INSERT INTO followers (association_id, actor_id, follow_id, follow_json, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (association_id, actor_id) DO UPDATE SET follow_id = excluded.follow_id, follow_json = excluded.follow_json,
		state = excluded.state, answer = '', updated_at = excluded.updated_at RETURNING id`,
		f.AssociationID, f.ActorID, f.FollowID, f.FollowJSON, f.State, fmtTime(t), fmtTime(t)).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("db: put follower %s: %w", f.ActorID, mapErr(err))
	}
	return nil
}

// GetFollower returns the follow of actorID on an association (0: relay).
func (s *Store) GetFollower(ctx context.Context, associationID int64, actorID string) (*Follower, error) {
	f, err := scanFollower(s.r.QueryRowContext(ctx, "SELECT "+followerCols+` FROM followers f
		LEFT JOIN remote_actors ra ON ra.ap_id = f.actor_id WHERE f.association_id = +? AND f.actor_id = +?`, associationID, model.NormalizeIRI(actorID)))
	if err != nil {
		return nil, fmt.Errorf("db: get follower %s: %w", actorID, err)
	}
	return f, nil
}

// SetFollowerState changes the state of a follower (an owner accepting or
// rejecting a pending Follow).
func (s *Store) SetFollowerState(ctx context.Context, associationID int64, actorID, state string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE followers SET state = ?, updated_at = ? WHERE association_id = +? AND actor_id = +?`,
		state, fmtTime(now()), associationID, model.NormalizeIRI(actorID))
	if err != nil {
		return fmt.Errorf("db: set follower state: %w", err)
	}
	return affectedOne(res, "db: set follower state of "+actorID)
}

// DeleteFollower removes a follower (Undo of its Follow); followID, when
// set, must be the Follow being undone.
func (s *Store) DeleteFollower(ctx context.Context, associationID int64, actorID, followID string) error {
	q := `DELETE FROM followers WHERE association_id = +? AND actor_id = +?`
	args := []any{associationID, model.NormalizeIRI(actorID)}
	if followID != "" {
		q += ` AND follow_id = +?`
		args = append(args, model.NormalizeIRI(followID))
	}
	res, err := s.w.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("db: delete follower: %w", err)
	}
	return affectedOne(res, "db: delete follower "+actorID)
}

// ListFollowers returns the followers of an association (0: the relay) in
// the given state ("" for every state), oldest first.
func (s *Store) ListFollowers(ctx context.Context, associationID int64, state string) ([]*Follower, error) {
	q := "SELECT " + followerCols + ` FROM followers f LEFT JOIN remote_actors ra ON ra.ap_id = f.actor_id
		WHERE f.association_id = +?`
	args := []any{associationID}
	if state != "" {
		q += " AND f.state = +?"
		args = append(args, state)
	}
	q += " ORDER BY f.id"
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("db: list followers: %w", err)
	}
	defer rows.Close()
	var out []*Follower
	for rows.Next() {
		f, err := scanFollower(rows)
		if err != nil {
			return nil, fmt.Errorf("db: list followers: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// CountFollowers counts the accepted followers of an association (0: relay).
func (s *Store) CountFollowers(ctx context.Context, associationID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM followers WHERE association_id = +? AND state = 'accepted'`, associationID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: count followers: %w", err)
	}
	return n, nil
}

// DeleteFollowerEverywhere removes every follow of a remote actor (the
// actor was deleted on its server).
func (s *Store) DeleteFollowerEverywhere(ctx context.Context, actorID string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM followers WHERE actor_id = +?`, model.NormalizeIRI(actorID)); err != nil {
		return fmt.Errorf("db: delete follower %s: %w", actorID, err)
	}
	return nil
}
