package db

import (
	"context"
	"database/sql"
	"fmt"

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
		res, err := tx.ExecContext(ctx, `UPDATE followers SET state = ?, answer = ?, updated_at = ? WHERE association_id = +? AND actor_id = +?`,
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
}

// PendingAnswers returns at most limit followers whose answer waits,
// oldest first.
func (s *Store) PendingAnswers(ctx context.Context, limit int) ([]FollowerAnswer, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+followerCols+`, f.answer FROM followers f
		LEFT JOIN remote_actors ra ON ra.ap_id = f.actor_id WHERE f.answer != '' ORDER BY f.id LIMIT +?`, limit)
	if err != nil {
		return nil, fmt.Errorf("db: pending answers: %w", err)
	}
	defer rows.Close()
	var out []FollowerAnswer
	for rows.Next() {
		var fa FollowerAnswer
		f, err := scanFollower(scanPlus{rows, &fa.Answer})
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

// scanPlus scans a row's leading columns with scanFollower's targets and
// its last column into extra.
type scanPlus struct {
	rows  *sql.Rows
	extra any
}

func (p scanPlus) Scan(dest ...any) error { return p.rows.Scan(append(dest, p.extra)...) }
