package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// MetaProposalsOpen is the meta key of the instance setting that opens
// the public "propose an event" form ("1"); unset or anything else means
// closed, the default.
const MetaProposalsOpen = "proposals_open"

// ProposalsOpen reports whether visitors may propose events.
func (s *Store) ProposalsOpen(ctx context.Context) (bool, error) {
	v, err := s.GetMeta(ctx, MetaProposalsOpen)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("db: proposals open: %w", err)
	}
	return v == "1", nil
}

// SetProposalsOpen opens or closes the public proposal form.
func (s *Store) SetProposalsOpen(ctx context.Context, open bool) error {
	if !open {
		return s.DeleteMeta(ctx, MetaProposalsOpen)
	}
	return s.SetMeta(ctx, MetaProposalsOpen, "1")
}

// ProposeEvent stores a visitor's event as a new event of its calendar,
// with moderation pending whatever e says, together with who proposed it,
// in one transaction: both are saved or neither. p.CreatedAt, when set,
// is the time the throttle counts (the caller's clock), else now. The event takes the same
// road as any other write (the change log included); being pending, it
// reaches no public output until it is approved (Moderate).
func (s *Store) ProposeEvent(ctx context.Context, e *model.Event, p *model.Proposal) error {
	e.Moderation = model.ModerationPending
	e.Origin = model.OriginLocal
	return s.Tx(ctx, func(stx *sql.Tx) error {
		tx := newTxq(stx)
		if _, err := putEventTx(ctx, tx, Put{Event: e, IfNoneMatch: true}); err != nil {
			return err
		}
		t := p.CreatedAt
		if t.IsZero() {
			t = now()
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO proposals (event_id, name, contact, address_key, created_at) VALUES (?, ?, ?, ?, ?)`,
			e.ID, p.Name, p.Contact, p.AddressKey, fmtTime(t))
		if err != nil {
			return fmt.Errorf("db: propose event: %w", mapErr(err))
		}
		p.ID, _ = r.LastInsertId()
		p.EventID, p.CreatedAt = e.ID, t
		return nil
	})
}

// CountProposalsSince counts the proposals made from one client address
// (an AddressKey) since a time, for the throttle.
func (s *Store) CountProposalsSince(ctx context.Context, addressKey string, since time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM proposals WHERE address_key = +? AND created_at >= ?`,
		addressKey, fmtTime(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: count proposals: %w", err)
	}
	return n, nil
}

// GetProposal returns who proposed an event; ErrNotFound if nobody did.
func (s *Store) GetProposal(ctx context.Context, eventID int64) (*model.Proposal, error) {
	p := &model.Proposal{}
	var created string
	err := s.r.QueryRowContext(ctx, `SELECT id, event_id, name, contact, address_key, created_at FROM proposals WHERE event_id = +?`, eventID).
		Scan(&p.ID, &p.EventID, &p.Name, &p.Contact, &p.AddressKey, &created)
	if err != nil {
		return nil, fmt.Errorf("db: get proposal of event %d: %w", eventID, mapErr(err))
	}
	p.CreatedAt = parseTime(created)
	return p, nil
}
