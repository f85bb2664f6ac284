package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// Answers to a Follow, as the followers.answer column holds them while
// they wait to be sent.
const (
	AnswerAccept = "Accept"
	AnswerReject = "Reject"
)

// DecideFollower records an owner's decision on a follow of an
// association: the state changes at once (a refused follower gets nothing
// more) and the answer (Accept or Reject) waits in the row until
// federation sends it (PendingAnswers, AnswerSent). ErrNotFound if the
// actor does not follow the association.
func (s *Store) DecideFollower(ctx context.Context, associationID int64, actorID string, accept bool) error {
	state, answer := FollowAccepted, AnswerAccept
	if !accept {
		state, answer = FollowRejected, AnswerReject
	}
	return s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE followers SET state = ?, answer = ?, answer_attempts = 0, answer_next_at = '', updated_at = ?
			WHERE association_id = +? AND actor_id = +?`,
			state, answer, fmtTime(now()), associationID, model.NormalizeIRI(actorID))
		if err != nil {
			return fmt.Errorf("db: decide follower: %w", err)
		}
		return affectedOne(res, "db: decide follower "+actorID)
	})
}

// FollowerAnswer is a follower whose answer waits to be sent.
type FollowerAnswer struct {
	Follower *Follower
	Answer   string
	// Attempts counts the tries that failed (PostponeAnswer).
	Attempts int
}

// PendingAnswers returns at most limit followers whose answer waits and
// is due at t, oldest first.
func (s *Store) PendingAnswers(ctx context.Context, t time.Time, limit int) ([]FollowerAnswer, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+followerCols+`, f.answer, f.answer_attempts FROM followers f
		LEFT JOIN remote_actors ra ON ra.ap_id = f.actor_id WHERE f.answer != '' AND f.answer_next_at <= ? ORDER BY f.id LIMIT +?`,
		fmtMilli(t), limit)
	if err != nil {
		return nil, fmt.Errorf("db: pending answers: %w", err)
	}
	defer rows.Close()
	var out []FollowerAnswer
	for rows.Next() {
		var fa FollowerAnswer
		f, err := scanFollower(scanPlus{rows, []any{&fa.Answer, &fa.Attempts}})
		if err != nil {
			return nil, fmt.Errorf("db: pending answers: %w", err)
		}
		fa.Follower = f
		out = append(out, fa)
	}
	return out, rows.Err()
}

// AnswerSent clears a follower's waiting answer once it is queued for
// delivery, unless another decision replaced it meanwhile.
func (s *Store) AnswerSent(ctx context.Context, followerID int64, answer string) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE followers SET answer = '' WHERE id = +? AND answer = +?`, followerID, answer); err != nil {
		return fmt.Errorf("db: answer sent: %w", err)
	}
	return nil
}

// PostponeAnswer records a failed try at sending a follower's answer:
// the next is due at next (the caller's backoff, the delivery queue's),
// unless another decision replaced the answer meanwhile.
func (s *Store) PostponeAnswer(ctx context.Context, followerID int64, answer string, attempts int, next time.Time) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE followers SET answer_attempts = ?, answer_next_at = ? WHERE id = +? AND answer = +?`,
		attempts, fmtMilli(next), followerID, answer); err != nil {
		return fmt.Errorf("db: postpone answer: %w", err)
	}
	return nil
}

// scanPlus scans a row's leading columns with scanFollower's targets and
// its last columns into extra.
type scanPlus struct {
	rows  *sql.Rows
	extra []any
}

func (p scanPlus) Scan(dest ...any) error { return p.rows.Scan(append(dest, p.extra...)...) }
