package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Published object states.
const (
	PublishedLive    = "live"
	PublishedDeleted = "deleted"
)

// PublishedObject is an object we published on the fediverse: an event, or
// one occurrence of a recurring series (RecurrenceID set), by the UUID in
// its ActivityPub id.
type PublishedObject struct {
	ObjectUUID    string
	EventUUID     string
	RecurrenceID  string
	AssociationID int64
	Start         time.Time
	State         string
	BodyHash      string
	PublishedAt   time.Time
	UpdatedAt     time.Time
}

const publishedCols = `object_uuid, event_uuid, recurrence_id, association_id, start_utc, state, body_hash, published_at, updated_at`

func scanPublished(row interface{ Scan(...any) error }) (*PublishedObject, error) {
	var p PublishedObject
	var st, pub, upd string
	if err := row.Scan(&p.ObjectUUID, &p.EventUUID, &p.RecurrenceID, &p.AssociationID, &st, &p.State, &p.BodyHash, &pub, &upd); err != nil {
		return nil, mapErr(err)
	}
	p.Start, p.PublishedAt, p.UpdatedAt = parseTime(st), parseTime(pub), parseTime(upd)
	return &p, nil
}

// GetPublished returns a published object by the UUID of its id
// (/events/{uuid}). The object may be an occurrence of a series or an
// event republished under a new id: when ObjectUUID differs from
// EventUUID, the page for people is /events/{EventUUID}, and the web side
// redirects an HTML request for /events/{ObjectUUID} there (302).
// ErrNotFound when the UUID was never published.
func (s *Store) GetPublished(ctx context.Context, objectUUID string) (*PublishedObject, error) {
	p, err := scanPublished(s.r.QueryRowContext(ctx, "SELECT "+publishedCols+" FROM published_objects WHERE object_uuid = +?", objectUUID))
	if err != nil {
		return nil, fmt.Errorf("db: get published %s: %w", objectUUID, err)
	}
	return p, nil
}

// ListPublishedTx returns the objects published for an event, by start.
func ListPublishedTx(ctx context.Context, tx *sql.Tx, eventUUID string) ([]*PublishedObject, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+publishedCols+" FROM published_objects WHERE event_uuid = +? ORDER BY start_utc, object_uuid", eventUUID)
	return collect(rows, err, "list published", scanPublished)
}

// PutPublishedTx records the state of a published object.
func PutPublishedTx(ctx context.Context, tx *sql.Tx, p *PublishedObject) error {
	t := now()
	if p.PublishedAt.IsZero() {
		p.PublishedAt = t
	}
	p.UpdatedAt = t
	_, err := tx.ExecContext(ctx, `INSERT INTO published_objects (`+publishedCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (object_uuid) DO UPDATE SET state = excluded.state, body_hash = excluded.body_hash,
		start_utc = excluded.start_utc, updated_at = excluded.updated_at`,
		p.ObjectUUID, p.EventUUID, p.RecurrenceID, p.AssociationID, fmtTime(p.Start), p.State, p.BodyHash,
		fmtTime(p.PublishedAt), fmtTime(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("db: put published %s: %w", p.ObjectUUID, mapErr(err))
	}
	return nil
}

// ListLivePublished returns an association's live published objects that
// start at or after from, the most recently published first (a follower
// that reads only page 1 of an outbox sees the newest), at most limit.
func (s *Store) ListLivePublished(ctx context.Context, associationID int64, from time.Time, limit, offset int) ([]*PublishedObject, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+publishedCols+` FROM published_objects
		WHERE association_id = +? AND state = 'live' AND start_utc >= ? ORDER BY published_at DESC, start_utc, object_uuid LIMIT +? OFFSET +?`,
		associationID, fmtTime(from), limit, offset)
	return collect(rows, err, "list published", scanPublished)
}

// ListLivePublishedAll is ListLivePublished over every association (the
// relay's outbox); associationID 0 in ListLivePublished's sense.
func (s *Store) ListLivePublishedAll(ctx context.Context, from time.Time, limit, offset int) ([]*PublishedObject, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+publishedCols+` FROM published_objects
		WHERE state = 'live' AND start_utc >= ? ORDER BY published_at DESC, start_utc, object_uuid LIMIT +? OFFSET +?`,
		fmtTime(from), limit, offset)
	return collect(rows, err, "list published", scanPublished)
}

// CountLivePublishedFrom counts what ListLivePublishedAll pages through.
func (s *Store) CountLivePublishedFrom(ctx context.Context, from time.Time) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM published_objects WHERE state = 'live' AND start_utc >= ?`, fmtTime(from)).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count published: %w", err)
	}
	return n, nil
}

// CountLivePublished counts what ListLivePublished pages through.
func (s *Store) CountLivePublished(ctx context.Context, associationID int64, from time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM published_objects WHERE association_id = +? AND state = 'live' AND start_utc >= ?`,
		associationID, fmtTime(from)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: count published: %w", err)
	}
	return n, nil
}

// ListRecurringPublishedEvents returns the UUIDs of events with live
// published occurrences (recurring series), for the periodic re-sync.
func (s *Store) ListRecurringPublishedEvents(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT event_uuid FROM published_objects WHERE recurrence_id <> '' AND state = 'live'`)
	if err != nil {
		return nil, fmt.Errorf("db: list recurring published: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("db: list recurring published: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountLivePublishedAll counts every live published object (NodeInfo).
func (s *Store) CountLivePublishedAll(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM published_objects WHERE state = 'live'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count published: %w", err)
	}
	return n, nil
}

// SetMetaTx writes a small state value inside a transaction (a worker's
// cursor, moved with the work it covers).
func SetMetaTx(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("db: set %s: %w", key, err)
	}
	return nil
}

// ListRecurringLocalEventUUIDs returns the UUIDs of recurring local events
// of public association calendars: the series whose published occurrences
// move on as time passes.
func (s *Store) ListRecurringLocalEventUUIDs(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT e.uuid FROM events e JOIN calendars c ON c.id = e.calendar_id
		WHERE e.recurring = 1 AND e.origin = 'local' AND c.kind = 'association' AND c.public = 1 ORDER BY e.id`)
	if err != nil {
		return nil, fmt.Errorf("db: list recurring events: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("db: list recurring events: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
