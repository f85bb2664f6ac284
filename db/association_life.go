package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/bastide47/bastide/db/model"
)

// An association's life after its creation: archived and back, or
// removed in two steps (see migrations/0016_association_life.sql). The
// back office and the commands both come here.

// logAssociationEventsTx logs every event of the association's calendars
// as changed: their visibility changed with the association's state, so
// that the publisher withdraws (or publishes again) what the fediverse
// has, and the web caches and sync clients learn of it.
func logAssociationEventsTx(ctx context.Context, tx *sql.Tx, associationID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM calendars WHERE association_id = +? ORDER BY id`, associationID)
	cals, err := collect(rows, err, "log events of an association", func(r interface{ Scan(...any) error }) (id int64, err error) {
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	for _, id := range cals {
		if err := logCalendarEventsTx(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// ArchiveAssociation archives the association (archive true) or brings
// it back. Archived, it keeps everything but nothing of it is public
// (model.PublicEvent), its calendars take no writes, and the fediverse
// gets the Deletes of its published events; its followers stay, so that
// un-archiving publishes its events again. Asking for the state it is in
// changes nothing; ErrWithdrawn if it is being removed.
func (s *Store) ArchiveAssociation(ctx context.Context, associationID int64, archive bool) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var archived, removing string
		err := tx.QueryRowContext(ctx, `SELECT archived_at, removing_at FROM associations WHERE id = +?`, associationID).
			Scan(&archived, &removing)
		if err != nil {
			return fmt.Errorf("db: archive association %d: %w", associationID, mapErr(err))
		}
		if removing != "" {
			return fmt.Errorf("db: archive association %d: %w", associationID, ErrWithdrawn)
		}
		if (archived != "") == archive {
			return nil
		}
		at := ""
		if archive {
			at = fmtTime(now())
		}
		if _, err := tx.ExecContext(ctx, `UPDATE associations SET archived_at = ? WHERE id = +?`, at, associationID); err != nil {
			return fmt.Errorf("db: archive association %d: %w", associationID, err)
		}
		return logAssociationEventsTx(ctx, tx, associationID)
	})
}

// AssociationLoss is what removing an association loses.
type AssociationLoss struct {
	Events, Calendars, Followers, Members, Places int
}

// AssociationLoss counts what removing the association would lose.
func (s *Store) AssociationLoss(ctx context.Context, associationID int64) (AssociationLoss, error) {
	var l AssociationLoss
	err := s.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM events e JOIN calendars c ON c.id = e.calendar_id WHERE c.association_id = +?1),
		(SELECT count(*) FROM calendars WHERE association_id = +?1),
		(SELECT count(*) FROM followers WHERE association_id = +?1 AND ?1 != 0),
		(SELECT count(*) FROM memberships WHERE association_id = +?1),
		(SELECT count(*) FROM places WHERE association_id = +?1)`, associationID).
		Scan(&l.Events, &l.Calendars, &l.Followers, &l.Members, &l.Places)
	if err != nil {
		return l, fmt.Errorf("db: what association %d holds: %w", associationID, err)
	}
	return l, nil
}

// RemoveAssociation removes an association for good, in two steps so
// that the fediverse learns of it and a restart loses nothing. This first
// step withdraws the association (as if archived: nothing public, no
// writes) and logs its events as changed, so that the publisher sends
// their Deletes signed with the Group's key, which stays; the publisher
// then sends the Group's own Delete to its followers (MarkFarewellTx) and
// purges the association once nothing it signs waits for delivery
// (PurgeAssociation). An association the fediverse never heard of (no
// follower, nothing published, nothing to deliver) is purged at once:
// purged says so. Asking again changes nothing.
func (s *Store) RemoveAssociation(ctx context.Context, associationID int64) (purged bool, err error) {
	err = s.Tx(ctx, func(tx *sql.Tx) error {
		var removing string
		if err := tx.QueryRowContext(ctx, `SELECT removing_at FROM associations WHERE id = +?`, associationID).Scan(&removing); err != nil {
			return fmt.Errorf("db: remove association %d: %w", associationID, mapErr(err))
		}
		if removing != "" {
			return nil
		}
		var known bool
		if err := tx.QueryRowContext(ctx, `SELECT
			EXISTS (SELECT 1 FROM followers WHERE association_id = +?1)
			OR EXISTS (SELECT 1 FROM published_objects WHERE association_id = +?1 AND state = +?2)
			OR EXISTS (SELECT 1 FROM activities a JOIN deliveries d ON d.activity_id = a.id
				WHERE a.association_id = +?1 AND d.state = 'pending')`, associationID, PublishedLive).Scan(&known); err != nil {
			return fmt.Errorf("db: remove association %d: %w", associationID, err)
		}
		if !known {
			purged = true
			return purgeAssociationTx(ctx, tx, associationID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE associations SET removing_at = ? WHERE id = +?`, fmtTime(now()), associationID); err != nil {
			return fmt.Errorf("db: remove association %d: %w", associationID, err)
		}
		if err := logAssociationEventsTx(ctx, tx, associationID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE associations SET removing_seq = (SELECT ifnull(max(seq), 0) FROM changes) WHERE id = +?`, associationID)
		if err != nil {
			return fmt.Errorf("db: remove association %d: %w", associationID, err)
		}
		return nil
	})
	return purged, err
}

// Removal is an association being removed, as the publisher sees it.
type Removal struct {
	Association *model.Association
	// Seq is the last change logged for its events: the publisher sends
	// their Deletes once its cursor has passed it.
	Seq int64
	// Farewell is set once the Group's own Delete is queued.
	Farewell bool
	// Pending counts the deliveries signed by its Group still waiting.
	Pending int
}

// ListRemovals returns the associations being removed.
func (s *Store) ListRemovals(ctx context.Context) ([]Removal, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+assocCols+`, removing_seq, farewell_at != '',
		(SELECT count(*) FROM activities a JOIN deliveries d ON d.activity_id = a.id
			WHERE a.association_id = associations.id AND d.state = 'pending')
		FROM associations WHERE removing_at != '' ORDER BY id`)
	return collect(rows, err, "list removals", func(r interface{ Scan(...any) error }) (Removal, error) {
		var rm Removal
		a, err := scanAssociation(rowScanner{r, []any{&rm.Seq, &rm.Farewell, &rm.Pending}})
		rm.Association = a
		return rm, err
	})
}

// rowScanner scans extra columns after an aggregate's own.
type rowScanner struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (r rowScanner) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

// MarkFarewellTx records, in the transaction that queues it, that the
// Group's Delete of an association being removed is on its way.
func MarkFarewellTx(ctx context.Context, tx *sql.Tx, associationID int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE associations SET farewell_at = ? WHERE id = +? AND removing_at != ''`,
		fmtTime(now()), associationID)
	if err != nil {
		return fmt.Errorf("db: farewell of association %d: %w", associationID, err)
	}
	return affectedOne(res, fmt.Sprintf("db: farewell of association %d", associationID))
}

// PurgeAssociation ends the removal of an association (RemoveAssociation)
// whose Group's Delete is queued and whose deliveries are all done or
// given up: its calendars and their events (each deletion logged, as for
// DeleteCalendar), places, memberships, invitations, followers, and its
// logo if nothing else shows it. ErrConflict if it is not at that point.
func (s *Store) PurgeAssociation(ctx context.Context, associationID int64) error {
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var ready bool
		err := tx.QueryRowContext(ctx, `SELECT removing_at != '' AND farewell_at != '' AND NOT EXISTS
			(SELECT 1 FROM activities a JOIN deliveries d ON d.activity_id = a.id WHERE a.association_id = associations.id AND d.state = 'pending')
			FROM associations WHERE id = +?`, associationID).Scan(&ready)
		if err != nil {
			return fmt.Errorf("db: purge association %d: %w", associationID, mapErr(err))
		}
		if !ready {
			return fmt.Errorf("db: purge association %d: the fediverse is not told yet: %w", associationID, ErrConflict)
		}
		return purgeAssociationTx(ctx, tx, associationID)
	})
}

func purgeAssociationTx(ctx context.Context, tx *sql.Tx, associationID int64) error {
	var logo sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT logo_sha256 FROM associations WHERE id = +?`, associationID).Scan(&logo); err != nil {
		return fmt.Errorf("db: purge association %d: %w", associationID, mapErr(err))
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM calendars WHERE association_id = +? ORDER BY id`, associationID)
	cals, err := collect(rows, err, "purge association", func(r interface{ Scan(...any) error }) (id int64, err error) {
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	for _, id := range cals {
		if err := deleteCalendarTx(ctx, tx, id); err != nil {
			return err
		}
	}
	// Followers have no foreign key (0 is the relay's); memberships,
	// invitations and places go with the row.
	if _, err := tx.ExecContext(ctx, `DELETE FROM followers WHERE association_id = +? AND association_id != 0`, associationID); err != nil {
		return fmt.Errorf("db: purge association %d: followers: %w", associationID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM associations WHERE id = +?`, associationID); err != nil {
		return fmt.Errorf("db: purge association %d: %w", associationID, err)
	}
	if logo.Valid {
		return dropImageIfUnusedTx(ctx, tx, logo.String)
	}
	return nil
}
