package db

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bastide47/bastide/db/model"
)

// Put is one event write with its preconditions.
type Put struct {
	Event *model.Event
	// IfMatch, when set, requires the stored object to exist with this ETag
	// ("*" accepts any existing object).
	IfMatch string
	// IfNoneMatch requires that no object exists at the href yet.
	IfNoneMatch bool
	// ByUID writes over the object of the calendar that has the same UID,
	// whatever its href (imports and remote events are idempotent by UID).
	ByUID bool
	// Image, when set, is stored (if new) in the same transaction as the
	// event: the poster its text links to (PutEvent only). A refused
	// write stores neither.
	Image *model.Image
}

// PutResult tells what a Put did.
type PutResult struct {
	Created bool
	// Unchanged is true when the stored object was already identical: no
	// change was logged.
	Unchanged bool
	// Seq is the change log sequence of the write (0 when unchanged).
	Seq int64
	// PrevSeq is the calendar's sequence just before the write: when it is
	// the sequence a cache of the calendar was at, this write is the only
	// change between the two.
	PrevSeq int64
	// Err is the error of this write, in PutEvents.
	Err error
	// HeldByFeed is true when a fediverse copy was not written because
	// a subscribed calendar holds the same event (see feedWins).
	HeldByFeed bool
	// Replaced counts the fediverse copies of the event that a write
	// into a subscribed calendar deleted (see feedWins).
	Replaced int
}

// UIDConflictError says that the UID is already used by another object of
// the calendar, or that the write would replace the object at Href, whose
// UID is another. It matches ErrConflict.
type UIDConflictError struct {
	UID  string
	Href string
	// Overwrite is true when Href is the object the write would replace.
	Overwrite bool
}

func (e *UIDConflictError) Error() string {
	if e.Overwrite {
		return fmt.Sprintf("db: %s holds another UID than %q", e.Href, e.UID)
	}
	return fmt.Sprintf("db: UID %q is already used by %s in this calendar", e.UID, e.Href)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *UIDConflictError) Is(target error) bool { return target == ErrConflict }

// ETagOf returns the strong entity tag of an object's text.
func ETagOf(data string) string {
	sum := sha256.Sum256([]byte(data))
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// NewUUID returns a random version 4 UUID.
func NewUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// PutEvent writes one event with its occurrences, and logs the change, in
// one transaction. On success the event's ID, UUID, ETag and timestamps are set.
func (s *Store) PutEvent(ctx context.Context, p Put) (PutResult, error) {
	var res PutResult
	err := s.Tx(ctx, func(stx *sql.Tx) error {
		tx := newTxq(stx)
		var err error
		if res, err = putEventTx(ctx, tx, p); err != nil || p.Image == nil {
			return err
		}
		return putImage(ctx, stx, p.Image)
	})
	return res, err
}

// PutEvents writes a batch in one transaction (imports): each write is
// checked and applied on its own, so a bad one is reported in its result
// and does not stop the others.
func (s *Store) PutEvents(ctx context.Context, puts []Put) ([]PutResult, error) {
	out := make([]PutResult, len(puts))
	err := s.Tx(ctx, func(stx *sql.Tx) error {
		// One transaction for the whole batch; each query comes from the
		// driver's statement cache, compiled once per connection.
		tx := newTxq(stx)
		tx.deferInstances, tx.pending = true, map[int64][]model.Instance{}
		for i, p := range puts {
			if _, err := tx.ExecContext(ctx, "SAVEPOINT put"); err != nil {
				return fmt.Errorf("db: put events: %w", err)
			}
			r, err := putEventTx(ctx, tx, p)
			if err != nil {
				r.Err = err
				if _, err := tx.ExecContext(ctx, "ROLLBACK TO put"); err != nil {
					return fmt.Errorf("db: put events: %w", err)
				}
			} else if !r.Unchanged {
				// Replaces what an earlier put of the same object in this
				// batch left pending; stored rows were deleted by the put.
				tx.pending[p.Event.ID] = p.Event.Instances
			}
			if _, err := tx.ExecContext(ctx, "RELEASE put"); err != nil {
				return fmt.Errorf("db: put events: %w", err)
			}
			out[i] = r
		}
		if err := tx.flushInstances(ctx); err != nil {
			return fmt.Errorf("db: put events: occurrences: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BulkWrites enlarges the writing connection's page cache to 64 MB until
// the returned function is called: a long run of PutEvents batches (an
// import) touches many pages of the occurrence table, and keeping them
// between batches saves re-reading them. The serving-time cache stays
// small, since memory matters more there.
func (s *Store) BulkWrites(ctx context.Context) (done func(), err error) {
	if _, err := s.w.ExecContext(ctx, "PRAGMA cache_size = -64000"); err != nil {
		return nil, fmt.Errorf("db: bulk writes: %w", err)
	}
	return func() {
		// Shrinking frees the pages; a failure here leaves a larger cache.
		_, _ = s.w.ExecContext(context.Background(), "PRAGMA cache_size = "+servingCacheSize)
	}, nil
}

type storedHead struct {
	id                    int64
	href, uid, uuid, etag string
	created               string
	calendarID            int64
	// Where the stored event takes place: an edit that keeps the place
	// keeps these.
	location string
	placeID  int64
	commune  string
	lat, lon float64
	hasGeo   bool
	// moderation is the stored state, which a write that does not set
	// one keeps.
	moderation string
}

func putEventTx(ctx context.Context, tx *txq, p Put) (PutResult, error) {
	e := p.Event
	if e.Origin == "" {
		e.Origin = model.OriginLocal
	}
	if err := e.Validate(); err != nil {
		return PutResult{}, err
	}
	cal, err := tx.calendar(ctx, e.CalendarID)
	if err != nil {
		return PutResult{}, fmt.Errorf("db: put event: calendar %d: %w", e.CalendarID, err)
	}
	if !cal.SupportsComponent(e.Component) {
		return PutResult{}, &model.ValidationError{Field: "component",
			Msg: fmt.Sprintf("calendar %q does not accept %s (it accepts %s)", cal.Slug, e.Component, strings.Join(cal.Components, ", "))}
	}

	var cur *storedHead
	if p.ByUID {
		cur, err = head(ctx, tx, "calendar_id = +? AND uid = +?", e.CalendarID, e.UID)
		if err == nil {
			e.Href = cur.href
		}
	} else {
		cur, err = head(ctx, tx, "calendar_id = +? AND href = +?", e.CalendarID, e.Href)
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return PutResult{}, fmt.Errorf("db: put event %s: %w", e.Href, err)
	}
	if p.IfNoneMatch && cur != nil {
		return PutResult{}, fmt.Errorf("db: put event %s: it exists already: %w", e.Href, ErrPrecondition)
	}
	if p.IfMatch != "" {
		if cur == nil {
			return PutResult{}, fmt.Errorf("db: put event %s: it does not exist: %w", e.Href, ErrPrecondition)
		}
		if p.IfMatch != "*" && p.IfMatch != cur.etag {
			return PutResult{}, fmt.Errorf("db: put event %s: ETag %s is not the current one: %w", e.Href, p.IfMatch, ErrPrecondition)
		}
	}
	if p.ByUID {
		// cur was looked up by this UID already.
	} else if cur != nil && cur.uid != e.UID {
		// RFC 4791 §5.3.2.1: an object is never overwritten by one with
		// another UID.
		return PutResult{}, &UIDConflictError{UID: e.UID, Href: cur.href, Overwrite: true}
	} else if other, err := head(ctx, tx, "calendar_id = +? AND uid = +?", e.CalendarID, e.UID); err == nil {
		if cur == nil || other.id != cur.id {
			return PutResult{}, &UIDConflictError{UID: e.UID, Href: other.href}
		}
	} else if !errors.Is(err, ErrNotFound) {
		return PutResult{}, fmt.Errorf("db: put event %s: %w", e.Href, err)
	}
	if e.Origin == model.OriginRemote && e.APID != "" {
		// The same event from a feed and from the fediverse: the feed's
		// copy wins (see feedWins).
		held, err := heldByFeed(ctx, tx, model.NormalizeIRI(e.APID))
		if err != nil {
			return PutResult{}, err
		}
		if held {
			if cur != nil {
				if err := deleteEventTx(ctx, tx, cal, cur.id, cur.href, cur.uid, cur.uuid, model.NormalizeIRI(e.APID), model.OriginRemote); err != nil {
					return PutResult{}, err
				}
			}
			return PutResult{HeldByFeed: true}, nil
		}
	}
	replaced, err := feedWins(ctx, tx, cal, e)
	if err != nil {
		return PutResult{}, err
	}
	if e.APID != "" {
		// One object, one row, however its server spells its host.
		e.APID = model.NormalizeIRI(e.APID)
		if other, err := head(ctx, tx, "ap_id = +?", e.APID); err == nil && (cur == nil || other.id != cur.id) {
			return PutResult{}, fmt.Errorf("db: put event: ActivityPub id %s is already stored in calendar %d: %w", e.APID, other.calendarID, ErrConflict)
		}
	}

	if e.Moderation == "" {
		// A write that does not say (a calendar app's PUT, an import)
		// keeps the stored state: editing a pending proposal in one's
		// calendar app does not approve it. A new event is approved.
		e.Moderation = model.ModerationApproved
		if cur != nil {
			e.Moderation = cur.moderation
		}
	}
	etag := ETagOf(e.Data)
	t := now()
	if cur != nil && cur.etag == etag {
		if err := fillStored(ctx, tx, e, cur.id); err != nil {
			return PutResult{}, err
		}
		return PutResult{Unchanged: true, Replaced: replaced}, nil
	}
	if err := derivePlace(ctx, tx, e, cur); err != nil {
		return PutResult{}, fmt.Errorf("db: put event %s: %w", e.Href, err)
	}
	e.ETag = etag
	e.Updated = t
	created := cur == nil
	if created {
		if e.UUID == "" {
			e.UUID = NewUUID()
		}
		e.Created = t
	} else {
		e.ID, e.UUID, e.Created = cur.id, cur.uuid, parseTime(cur.created)
	}
	args := []any{e.CalendarID, e.UUID, e.Href, e.UID, e.ETag, e.Data, e.Component, e.Summary, e.Description,
		e.Location, fmtTime(e.Start), fmtTime(e.End), b2i(e.AllDay), b2i(e.Floating), e.TZID, b2i(e.Recurring),
		e.RRule, e.Status, e.Class, strings.Join(e.Categories, ","), e.URL, nullID(e.PlaceID), e.CommuneINSEE,
		e.Lat, e.Lon, b2i(e.HasGeo), e.Origin, e.APID, e.Moderation, e.Sequence, b2i(e.InstancesCapped),
		fmtTime(e.Created), fmtTime(e.Updated), e.Price, strings.Join(e.Access, "\n"), e.Online, e.ImageURL, e.ImageType}
	if created {
		r, err := tx.ExecContext(ctx, `INSERT INTO events (calendar_id, uuid, href, uid, etag, data, component, summary,
			description, location, start_utc, end_utc, all_day, floating, tzid, recurring, rrule, status, class,
			categories, url, place_id, commune_insee, lat, lon, has_geo, origin, ap_id, moderation, sequence,
			instances_capped, created_at, updated_at, price, access, online_url, image_url, image_type)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return PutResult{}, fmt.Errorf("db: put event %s: %w", e.Href, mapErr(err))
		}
		e.ID, _ = r.LastInsertId()
	} else {
		_, err := tx.ExecContext(ctx, `UPDATE events SET calendar_id = ?, uuid = ?, href = ?, uid = ?, etag = ?, data = ?,
			component = ?, summary = ?, description = ?, location = ?, start_utc = ?, end_utc = ?, all_day = ?,
			floating = ?, tzid = ?, recurring = ?, rrule = ?, status = ?, class = ?, categories = ?, url = ?,
			place_id = ?, commune_insee = ?, lat = ?, lon = ?, has_geo = ?, origin = ?, ap_id = ?, moderation = ?,
			sequence = ?, instances_capped = ?, created_at = ?, updated_at = ?, price = ?, access = ?, online_url = ?,
			image_url = ?, image_type = ? WHERE id = +?`, append(args, e.ID)...)
		if err != nil {
			return PutResult{}, fmt.Errorf("db: put event %s: %w", e.Href, mapErr(err))
		}
		for _, q := range []string{`DELETE FROM event_instances WHERE event_id = +?`, `DELETE FROM event_categories WHERE event_id = +?`,
			`DELETE FROM events_fts WHERE rowid = +?`} {
			if _, err := tx.ExecContext(ctx, q, e.ID); err != nil {
				return PutResult{}, fmt.Errorf("db: put event %s: %w", e.Href, err)
			}
		}
	}
	if err := writeIndexes(ctx, tx, e); err != nil {
		return PutResult{}, fmt.Errorf("db: put event %s: %w", e.Href, err)
	}
	seq, prev, err := logChange(ctx, tx, e.CalendarID, e.ID, e.Href, e.UID, e.UUID, model.ChangePut, t)
	if err != nil {
		return PutResult{}, err
	}
	return PutResult{Created: created, Seq: seq, PrevSeq: prev, Replaced: replaced}, nil
}

// derivePlace gives the event and each of its occurrences the place
// fields the agenda filters on, the same way whatever road wrote it
// (CalDAV, import, subscription, the form, federation):
//
//   - an edit that keeps the LOCATION text keeps the stored place, commune
//     and coordinates the text does not carry (a calendar app does not
//     send back what an import or the demo attached);
//   - an event without a commune takes its place's, else the one its
//     LOCATION or GEO names (model.DeriveCommune);
//   - an occurrence takes the event's commune, unless it is an override
//     held elsewhere, which takes the one its own LOCATION names.
func derivePlace(ctx context.Context, tx *txq, e *model.Event, cur *storedHead) error {
	if cur != nil && cur.location == e.Location && strings.TrimSpace(e.Location) != "" && e.PlaceID == 0 {
		e.PlaceID = cur.placeID
		if e.CommuneINSEE == "" {
			e.CommuneINSEE = cur.commune
		}
		if !e.HasGeo && cur.hasGeo {
			e.Lat, e.Lon, e.HasGeo = cur.lat, cur.lon, true
		}
	}
	if e.CommuneINSEE == "" && e.PlaceID != 0 {
		err := tx.QueryRowContext(ctx, `SELECT commune_insee FROM places WHERE id = +?`, e.PlaceID).Scan(&e.CommuneINSEE)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if e.CommuneINSEE == "" {
		e.CommuneINSEE = model.DeriveCommune(e.Location, e.Lat, e.Lon, e.HasGeo)
	}
	occurrenceCommunes(e)
	return nil
}

// occurrenceCommunes gives each occurrence the event's commune, or for an
// override held elsewhere the one its own LOCATION names.
func occurrenceCommunes(e *model.Event) {
	for i := range e.Instances {
		in := &e.Instances[i]
		if in.Location == "" || in.Location == e.Location {
			in.CommuneINSEE = e.CommuneINSEE
		} else {
			in.CommuneINSEE = model.DeriveCommune(in.Location, 0, 0, false)
		}
	}
}

// MetaOccurrenceRefresh is the meta key that migration 0007 sets while
// overrides stored before it have not been expanded again (its value is
// the id of the last event done).
const MetaOccurrenceRefresh = "occurrence_fields_refresh"

// EventsWithOverrides returns up to limit events (with their text) that
// have an override occurrence, in id order after afterID.
func (s *Store) EventsWithOverrides(ctx context.Context, afterID int64, limit int) ([]*model.Event, error) {
	return s.listEvents(ctx, true, `e.id > ? AND EXISTS (SELECT 1 FROM event_instances i WHERE i.event_id = e.id AND i.override = 1)
		ORDER BY e.id LIMIT +?`, afterID, limit)
}

// RefreshOccurrences replaces the stored occurrences of an event with
// e.Instances, expanded again from its unchanged text (e.ETag must still
// be the stored one, else ErrPrecondition), their communes derived as on
// a write. The event's row and the change log are not touched: what the
// event says has not changed, only what the store keeps of it.
func (s *Store) RefreshOccurrences(ctx context.Context, e *model.Event) error {
	return s.Tx(ctx, func(stx *sql.Tx) error {
		tx := newTxq(stx)
		cur, err := head(ctx, tx, "id = +?", e.ID)
		if err != nil {
			return fmt.Errorf("db: refresh occurrences of %d: %w", e.ID, err)
		}
		if cur.etag != e.ETag {
			return fmt.Errorf("db: refresh occurrences of %d: it changed meanwhile: %w", e.ID, ErrPrecondition)
		}
		e.Location, e.CommuneINSEE = cur.location, cur.commune
		occurrenceCommunes(e)
		if _, err := tx.ExecContext(ctx, `DELETE FROM event_instances WHERE event_id = +?`, e.ID); err != nil {
			return fmt.Errorf("db: refresh occurrences of %d: %w", e.ID, err)
		}
		if err := insertInstances(ctx, tx, e.ID, e.Instances); err != nil {
			return fmt.Errorf("db: refresh occurrences of %d: %w", e.ID, err)
		}
		return nil
	})
}

func writeIndexes(ctx context.Context, tx *txq, e *model.Event) error {
	if len(e.Instances) > 0 && !tx.deferInstances {
		if err := insertInstances(ctx, tx, e.ID, e.Instances); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, c := range e.Categories {
		k := strings.ToLower(strings.TrimSpace(c))
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_categories (event_id, category) VALUES (?, ?)`, e.ID, strings.TrimSpace(c)); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO events_fts (rowid, summary, description, location, categories) VALUES (?, ?, ?, ?, ?)`,
		e.ID, e.Summary, e.Description, e.Location, strings.Join(e.Categories, " "))
	return err
}

// logChange appends a change to the log and moves the calendar's sequence
// to it; it returns the new sequence and the calendar's sequence before.
func logChange(ctx context.Context, tx *txq, calID, eventID int64, href, uid, uuid string, kind model.ChangeKind, t time.Time) (seq, prev int64, err error) {
	if err := tx.QueryRowContext(ctx, `SELECT seq FROM calendars WHERE id = +?`, calID).Scan(&prev); err != nil {
		return 0, 0, fmt.Errorf("db: log change of %s: %w", href, mapErr(err))
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO changes (calendar_id, event_id, href, uid, uuid, kind, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		calID, eventID, href, uid, uuid, string(kind), fmtTime(t))
	if err != nil {
		return 0, 0, fmt.Errorf("db: log change of %s: %w", href, err)
	}
	seq, _ = r.LastInsertId()
	if _, err := tx.ExecContext(ctx, `UPDATE calendars SET seq = ? WHERE id = +?`, seq, calID); err != nil {
		return 0, 0, fmt.Errorf("db: log change of %s: %w", href, err)
	}
	return seq, prev, nil
}

func head(ctx context.Context, tx *txq, where string, args ...any) (*storedHead, error) {
	var h storedHead
	var geo int
	err := tx.QueryRowContext(ctx, `SELECT id, href, uid, uuid, etag, created_at, calendar_id, location, ifnull(place_id, 0),
		commune_insee, lat, lon, has_geo, moderation FROM events WHERE `+where, args...).
		Scan(&h.id, &h.href, &h.uid, &h.uuid, &h.etag, &h.created, &h.calendarID, &h.location, &h.placeID,
			&h.commune, &h.lat, &h.lon, &geo, &h.moderation)
	if err != nil {
		return nil, mapErr(err)
	}
	h.hasGeo = geo == 1
	return &h, nil
}

func fillStored(ctx context.Context, tx *txq, e *model.Event, id int64) error {
	st, err := scanEvent(tx.QueryRowContext(ctx, "SELECT "+eventCols+"NULL FROM events e WHERE e.id = +?", id), false)
	if err != nil {
		return fmt.Errorf("db: put event: %w", err)
	}
	e.ID, e.UUID, e.ETag, e.Created, e.Updated = st.ID, st.UUID, st.ETag, st.Created, st.Updated
	return nil
}

// DeleteEvent removes the object at href; ifMatch, when set, must be its
// current ETag ("*" for any). The deletion is logged and the event's public
// id is kept as a tombstone.
func (s *Store) DeleteEvent(ctx context.Context, calendarID int64, href, ifMatch string) (int64, error) {
	var seq int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		q := newTxq(tx)
		if err := deleteAtHrefTx(ctx, q, calendarID, href, ifMatch); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT seq FROM calendars WHERE id = +?`, calendarID).Scan(&seq)
	})
	return seq, err
}

// deleteAtHrefTx deletes the object at href of a calendar, whose ETag must
// be ifMatch unless that is empty or "*".
func deleteAtHrefTx(ctx context.Context, tx *txq, calendarID int64, href, ifMatch string) error {
	cal, err := tx.calendar(ctx, calendarID)
	if err != nil {
		return fmt.Errorf("db: delete event: calendar %d: %w", calendarID, err)
	}
	var id int64
	var uid, uuid, etag, apID, origin string
	err = tx.QueryRowContext(ctx, `SELECT id, uid, uuid, etag, ap_id, origin FROM events WHERE calendar_id = +? AND href = +?`,
		calendarID, href).Scan(&id, &uid, &uuid, &etag, &apID, &origin)
	if err != nil {
		return fmt.Errorf("db: delete event %s: %w", href, mapErr(err))
	}
	if ifMatch != "" && ifMatch != "*" && ifMatch != etag {
		return fmt.Errorf("db: delete event %s: ETag %s is not the current one: %w", href, ifMatch, ErrPrecondition)
	}
	return deleteEventTx(ctx, tx, cal, id, href, uid, uuid, apID, origin)
}

func deleteEventTx(ctx context.Context, tx *txq, cal *model.Calendar, id int64, href, uid, uuid, apID, origin string) error {
	for _, q := range []string{`DELETE FROM events WHERE id = +?`, `DELETE FROM events_fts WHERE rowid = +?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("db: delete event %s: %w", href, err)
		}
	}
	t := now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO tombstones (uuid, ap_id, calendar_id, association_id, public, origin, deleted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO NOTHING`,
		uuid, apID, cal.ID, cal.AssociationID, b2i(cal.Public), origin, fmtTime(t)); err != nil {
		return fmt.Errorf("db: delete event %s: %w", href, err)
	}
	_, _, err := logChange(ctx, tx, cal.ID, id, href, uid, uuid, model.ChangeDelete, t)
	return err
}

const eventCols = `e.id, e.calendar_id, e.uuid, e.href, e.uid, e.etag, e.component, e.summary, e.description, e.location,
	e.start_utc, e.end_utc, e.all_day, e.floating, e.tzid, e.recurring, e.rrule, e.status, e.class, e.categories,
	e.url, ifnull(e.place_id, 0), e.commune_insee, e.lat, e.lon, e.has_geo, e.origin, e.ap_id, e.moderation,
	e.sequence, e.instances_capped, e.created_at, e.updated_at, e.price, e.access, e.online_url, e.image_url, e.image_type, `

func scanEvent(row interface{ Scan(...any) error }, withData bool, extra ...any) (*model.Event, error) {
	var e model.Event
	var start, end, cats, created, updated, access string
	var allDay, floating, recurring, hasGeo, capped int
	var data sql.NullString
	dest := []any{&e.ID, &e.CalendarID, &e.UUID, &e.Href, &e.UID, &e.ETag, &e.Component, &e.Summary,
		&e.Description, &e.Location, &start, &end, &allDay, &floating, &e.TZID, &recurring, &e.RRule, &e.Status,
		&e.Class, &cats, &e.URL, &e.PlaceID, &e.CommuneINSEE, &e.Lat, &e.Lon, &hasGeo, &e.Origin, &e.APID,
		&e.Moderation, &e.Sequence, &capped, &created, &updated, &e.Price, &access, &e.Online, &e.ImageURL, &e.ImageType, &data}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, mapErr(err)
	}
	e.Start, e.End = parseTime(start), parseTime(end)
	e.AllDay, e.Floating, e.Recurring, e.HasGeo, e.InstancesCapped = allDay == 1, floating == 1, recurring == 1, hasGeo == 1, capped == 1
	if cats != "" {
		e.Categories = strings.Split(cats, ",")
	}
	if access != "" {
		e.Access = strings.Split(access, "\n")
	}
	e.Created, e.Updated = parseTime(created), parseTime(updated)
	if withData {
		e.Data = data.String
	}
	return &e, nil
}

func dataCol(withData bool) string {
	if withData {
		return "e.data"
	}
	return "NULL"
}

func (s *Store) getEvent(ctx context.Context, what string, withData bool, where string, args ...any) (*model.Event, error) {
	e, err := scanEvent(s.r.QueryRowContext(ctx, "SELECT "+eventCols+dataCol(withData)+" FROM events e WHERE "+where, args...), withData)
	if err != nil {
		return nil, fmt.Errorf("db: get event %s: %w", what, err)
	}
	return e, nil
}

// GetEvent returns an event, with its text, by id.
func (s *Store) GetEvent(ctx context.Context, id int64) (*model.Event, error) {
	return s.getEvent(ctx, fmt.Sprint(id), true, "e.id = +?", id)
}

// GetEventByHref returns the object at href in a calendar, with its text.
func (s *Store) GetEventByHref(ctx context.Context, calendarID int64, href string) (*model.Event, error) {
	return s.getEvent(ctx, href, true, "e.calendar_id = +? AND e.href = +?", calendarID, href)
}

// GetEventByUID returns the object with this UID in a calendar, with its text.
func (s *Store) GetEventByUID(ctx context.Context, calendarID int64, uid string) (*model.Event, error) {
	return s.getEvent(ctx, uid, true, "e.calendar_id = +? AND e.uid = +?", calendarID, uid)
}

// GetEventByUUID returns an event by its public id, with its text.
func (s *Store) GetEventByUUID(ctx context.Context, uuid string) (*model.Event, error) {
	return s.getEvent(ctx, uuid, true, "e.uuid = +?", uuid)
}

// GetEventByAPID returns a remote event by its ActivityPub id, with its text.
func (s *Store) GetEventByAPID(ctx context.Context, apID string) (*model.Event, error) {
	return s.getEvent(ctx, apID, true, "e.ap_id = +?", model.NormalizeIRI(apID))
}

// ListEvents returns the objects of a calendar by href; withData adds their text.
func (s *Store) ListEvents(ctx context.Context, calendarID int64, withData bool) ([]*model.Event, error) {
	return s.listEvents(ctx, withData, "e.calendar_id = +? ORDER BY e.href", calendarID)
}

// GetEventsByHrefs returns the objects of a calendar found at the given
// hrefs (missing ones are simply absent), with their text.
func (s *Store) GetEventsByHrefs(ctx context.Context, calendarID int64, hrefs []string) ([]*model.Event, error) {
	if len(hrefs) == 0 {
		return nil, nil
	}
	args := []any{calendarID}
	for _, h := range hrefs {
		args = append(args, h)
	}
	return s.listEvents(ctx, true, "e.calendar_id = +? AND e.href IN ("+placeholders(len(hrefs))+") ORDER BY e.href", args...)
}

// ListCappedEvents returns the objects of a calendar whose expansion was
// cut by the horizon or the instance cap: a query beyond the stored
// occurrences must expand them again.
func (s *Store) ListCappedEvents(ctx context.Context, calendarID int64) ([]*model.Event, error) {
	return s.listEvents(ctx, true, "e.calendar_id = +? AND e.instances_capped = 1", calendarID)
}

func (s *Store) listEvents(ctx context.Context, withData bool, where string, args ...any) ([]*model.Event, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+eventCols+dataCol(withData)+" FROM events e WHERE "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("db: list events: %w", err)
	}
	defer rows.Close()
	var out []*model.Event
	for rows.Next() {
		e, err := scanEvent(rows, withData)
		if err != nil {
			return nil, fmt.Errorf("db: list events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// GetInstances returns the stored occurrences of an event, by start.
func (s *Store) GetInstances(ctx context.Context, eventID int64) ([]model.Instance, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+instanceCols+` FROM event_instances i
		WHERE i.event_id = +? ORDER BY i.start_utc`, eventID)
	if err != nil {
		return nil, fmt.Errorf("db: get instances of %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []model.Instance
	for rows.Next() {
		var in model.Instance
		var sc instanceScan
		if err := rows.Scan(sc.dest(&in)...); err != nil {
			return nil, fmt.Errorf("db: get instances of %d: %w", eventID, err)
		}
		sc.finish(&in, eventID)
		out = append(out, in)
	}
	return out, rows.Err()
}

// Tombstone is what remains of a deleted event.
type Tombstone struct {
	UUID          string
	APID          string
	CalendarID    int64
	AssociationID int64
	Public        bool
	Origin        string
	DeletedAt     time.Time
}

// GetTombstone returns the tombstone of a deleted event by its public id.
func (s *Store) GetTombstone(ctx context.Context, uuid string) (*Tombstone, error) {
	var t Tombstone
	var pub int
	var at string
	err := s.r.QueryRowContext(ctx, `SELECT uuid, ap_id, calendar_id, association_id, public, origin, deleted_at FROM tombstones WHERE uuid = +?`, uuid).
		Scan(&t.UUID, &t.APID, &t.CalendarID, &t.AssociationID, &pub, &t.Origin, &at)
	if err != nil {
		return nil, fmt.Errorf("db: get tombstone %s: %w", uuid, mapErr(err))
	}
	t.Public, t.DeletedAt = pub == 1, parseTime(at)
	return &t, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// instanceRowsPerInsert is the number of occurrences written by one INSERT
// (12 parameters each, far below SQLite's parameter limit).
const instanceRowsPerInsert = 64

var instanceInserts [instanceRowsPerInsert + 1]string

func init() {
	for n := 1; n <= instanceRowsPerInsert; n++ {
		instanceInserts[n] = "INSERT OR IGNORE INTO event_instances (event_id, start_utc, end_utc, recurrence_id, override, status, " +
			"summary, description, location, class, commune_insee, other_kind) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?),", n), ",")
	}
}

func instanceInsert(n int) string { return instanceInserts[n] }

// insertInstances writes occurrences, many rows per INSERT (a weekly event
// holds a hundred of them, and one statement per row costs more than the
// rows), and raises the longest-occurrence bound that range queries use.
func insertInstances(ctx context.Context, tx *txq, eventID int64, ins []model.Instance) error {
	var longest time.Duration
	var ids []int64 // the events written, for their public flags
	for k := 0; k < len(ins); k += instanceRowsPerInsert {
		chunk := ins[k:min(k+instanceRowsPerInsert, len(ins))]
		args := make([]any, 0, 12*len(chunk))
		for _, in := range chunk {
			id := eventID
			if id == 0 {
				id = in.EventID
			}
			if len(ids) == 0 || ids[len(ids)-1] != id {
				ids = append(ids, id)
			}
			args = append(args, id, fmtTime(in.Start), fmtTime(in.End), fmtTime(in.RecurrenceID), b2i(in.Override), in.Status,
				in.Summary, in.Description, in.Location, in.Class, in.CommuneINSEE, b2i(in.OtherKind))
			if d := in.End.Sub(in.Start); d > longest {
				longest = d
			}
		}
		if _, err := tx.ExecContext(ctx, instanceInsert(len(chunk)), args...); err != nil {
			return err
		}
	}
	if eventID == 0 { // a batch, sorted by start: an event comes many times
		slices.Sort(ids)
		ids = slices.Compact(ids)
	}
	if err := refreshEventFlags(ctx, tx, ids); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('instance_max_seconds', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE CAST(excluded.value AS INTEGER) > CAST(meta.value AS INTEGER)`,
		fmt.Sprint(int64(longest/time.Second)))
	return err
}

// flushInstances writes the occurrences a batch deferred, sorted by start:
// the table is clustered by start, and inserting in its order touches each
// page once instead of once per event.
func (q *txq) flushInstances(ctx context.Context) error {
	var all []model.Instance
	for id, ins := range q.pending {
		for _, in := range ins {
			in.EventID = id
			all = append(all, in)
		}
	}
	q.pending = nil
	if len(all) == 0 {
		return nil
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].Start.Equal(all[j].Start) {
			return all[i].Start.Before(all[j].Start)
		}
		return all[i].EventID < all[j].EventID
	})
	return insertInstances(ctx, q, 0, all)
}

// txq is a write transaction with a cache of prepared statements: the
// driver compiles every query it is given, and a batch runs the same dozen
// queries per event. (The cache cannot live on the store: the writing pool
// has one connection, which the transaction holds while it runs.)
type txq struct {
	tx *sql.Tx
	// deferInstances makes a batch keep occurrences in pending (by event
	// id) and write them all, sorted, before it commits.
	deferInstances bool
	pending        map[int64][]model.Instance
	// cals remembers the calendars read in this transaction (their
	// properties, not their seq, which the transaction itself advances).
	cals map[int64]*model.Calendar
}

// calendar returns a calendar to write events into; ErrWithdrawn if its
// association is archived or being removed.
func (q *txq) calendar(ctx context.Context, id int64) (*model.Calendar, error) {
	if c, ok := q.cals[id]; ok {
		return c, nil
	}
	c, err := scanCalendar(q.QueryRowContext(ctx, "SELECT "+calCols+" FROM calendars c WHERE c.id = +?", id))
	if err != nil {
		return nil, err
	}
	if c.Withdrawn {
		// Every write of events goes through here: an archived
		// association's calendars are read-only on every road.
		return nil, ErrWithdrawn
	}
	if q.cals == nil {
		q.cals = map[int64]*model.Calendar{}
	}
	q.cals[id] = c
	return c, nil
}

func newTxq(tx *sql.Tx) *txq { return &txq{tx: tx} }

// The queries below go straight to the transaction: the driver then takes
// the statement from its connection's cache (_stmt_cache_size) and puts it
// back after use. Preparing explicitly (Tx.PrepareContext) would bypass
// that cache and compile every statement again in each transaction, which
// cost a single-event write about a third of its time.

// ExecContext runs a statement.
func (q *txq) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.tx.ExecContext(ctx, query, args...)
}

// QueryRowContext runs a query for one row.
func (q *txq) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return q.tx.QueryRowContext(ctx, query, args...)
}

// QueryContext runs a query.
func (q *txq) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.tx.QueryContext(ctx, query, args...)
}

// instanceCols are the columns of an occurrence of event_instances i, in
// the order of instanceScan.dest.
const instanceCols = `i.start_utc, i.end_utc, i.recurrence_id, i.override, i.status, i.summary, i.description,
	i.location, i.class, i.commune_insee, i.other_kind`

// instanceScan holds the columns of an occurrence that need converting.
type instanceScan struct {
	start, end, rid     string
	override, otherKind int
}

func (sc *instanceScan) dest(in *model.Instance) []any {
	return []any{&sc.start, &sc.end, &sc.rid, &sc.override, &in.Status, &in.Summary, &in.Description,
		&in.Location, &in.Class, &in.CommuneINSEE, &sc.otherKind}
}

func (sc *instanceScan) finish(in *model.Instance, eventID int64) {
	in.EventID, in.Start, in.End = eventID, parseTime(sc.start), parseTime(sc.end)
	in.RecurrenceID, in.Override, in.OtherKind = parseTime(sc.rid), sc.override == 1, sc.otherKind == 1
}

// ListLocalEvents returns the events made here (VEVENT, origin local) of
// the calendars, newest start first: up to limit of those match accepts
// (all when match is nil), and whether more match. Matching reads only
// titles and places, a few hundred events at a time, in that order, and
// stops once the page is full; only the events shown are read whole.
func (s *Store) ListLocalEvents(ctx context.Context, calendarIDs []int64, limit int, match func(summary, location string) bool) ([]*model.Event, bool, error) {
	if len(calendarIDs) == 0 || limit <= 0 {
		return nil, false, nil
	}
	args := make([]any, 0, len(calendarIDs)+1)
	for _, id := range calendarIDs {
		args = append(args, id)
	}
	q := `SELECT id FROM events WHERE calendar_id IN (` + placeholders(len(calendarIDs)) + `)
		AND component = 'VEVENT' AND origin = 'local' ORDER BY start_utc DESC, id DESC`
	if match == nil {
		q += ` LIMIT +?`
		args = append(args, limit+1)
	}
	ids, err := s.ids(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("db: list local events: %w", err)
	}
	if match != nil {
		var kept []int64
		for from := 0; from < len(ids) && len(kept) <= limit; from += 500 {
			chunk := ids[from:min(from+500, len(ids))]
			texts := make(map[int64][2]string, len(chunk))
			rows, err := s.r.QueryContext(ctx, `SELECT id, summary, location FROM events WHERE id IN (`+placeholders(len(chunk))+`)`, int64s(chunk)...)
			if err != nil {
				return nil, false, fmt.Errorf("db: list local events: %w", err)
			}
			for rows.Next() {
				var id int64
				var sum, loc string
				if err := rows.Scan(&id, &sum, &loc); err != nil {
					rows.Close()
					return nil, false, fmt.Errorf("db: list local events: %w", err)
				}
				texts[id] = [2]string{sum, loc}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, false, fmt.Errorf("db: list local events: %w", err)
			}
			for _, id := range chunk {
				if t := texts[id]; match(t[0], t[1]) {
					kept = append(kept, id)
					if len(kept) > limit {
						break
					}
				}
			}
		}
		ids = kept
	}
	more := len(ids) > limit
	ids = ids[:min(len(ids), limit)]
	if len(ids) == 0 {
		return nil, more, nil
	}
	evs, err := s.listEvents(ctx, false, "e.id IN ("+placeholders(len(ids))+")", int64s(ids)...)
	if err != nil {
		return nil, false, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortFunc(evs, func(a, b *model.Event) int { return cmp.Compare(at[a.ID], at[b.ID]) })
	return evs, more, nil
}

// ids runs a query of one integer column.
func (s *Store) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func int64s(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// MetaShownFieldsRefresh is the meta key that migration shown_fields sets while
// events stored before it have not had their shown fields (price,
// accessibility, online link, poster) read from their text (its value is
// the id of the last event done).
const MetaShownFieldsRefresh = "shown_fields_refresh"

// EventsAfter returns up to limit events, with their text, in id order
// after afterID.
func (s *Store) EventsAfter(ctx context.Context, afterID int64, limit int) ([]*model.Event, error) {
	return s.listEvents(ctx, true, `e.id > ? ORDER BY e.id LIMIT +?`, afterID, limit)
}

// RefreshShownFields stores the shown fields of e (price, accessibility,
// online link, poster), read again from its unchanged text; ErrPrecondition
// when e.ETag is no longer the stored one. Neither the change log nor
// anything else of the event is touched: what it says has not changed.
func (s *Store) RefreshShownFields(ctx context.Context, e *model.Event) error {
	res, err := s.w.ExecContext(ctx, `UPDATE events SET price = ?, access = ?, online_url = ?, image_url = ?, image_type = ?
		WHERE id = +? AND etag = +?`, e.Price, strings.Join(e.Access, "\n"), e.Online, e.ImageURL, e.ImageType, e.ID, e.ETag)
	if err != nil {
		return fmt.Errorf("db: refresh shown fields of %d: %w", e.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("db: refresh shown fields of %d: %w", e.ID, ErrPrecondition)
	}
	return nil
}
