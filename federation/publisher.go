package federation

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// metaPublisherSeq is the publisher's cursor in the change log.
const metaPublisherSeq = db.MetaPublisherSeq

// eventSource is an event with what its ActivityPub object is made of.
type eventSource struct {
	ev    *model.Event
	cal   *model.Calendar
	assoc *model.Association
	place *model.Place
}

// publishable reports whether the event goes to the fediverse: a local
// VEVENT of an association calendar that the public may see
// (model.PublicEvent).
func (s *eventSource) publishable() bool {
	if s == nil || s.ev == nil || s.cal == nil || s.assoc == nil {
		return false
	}
	e := s.ev
	return model.PublicEvent(s.cal, e) && s.cal.Kind == model.CalendarAssociation && e.Origin != model.OriginRemote &&
		e.Component == "VEVENT"
}

func (f *Federation) eventSource(ctx context.Context, ev *model.Event) (*eventSource, error) {
	s := &eventSource{ev: ev}
	cal, err := f.store.GetCalendar(ctx, ev.CalendarID)
	if err != nil {
		return nil, err
	}
	s.cal = cal
	if cal.AssociationID != 0 {
		if s.assoc, err = f.store.GetAssociation(ctx, cal.AssociationID); err != nil {
			return nil, err
		}
	}
	if ev.PlaceID != 0 {
		if p, err := f.store.GetPlace(ctx, ev.PlaceID); err == nil {
			s.place = p
		} else if !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
	}
	return s, nil
}

// desiredObject is one object an event should have on the fediverse.
type desiredObject struct {
	uuid  string
	rid   string
	start time.Time
	in    *model.Instance // the occurrence, nil for a whole event
	obj   map[string]any
}

// objectFor builds the Event object of a whole event, or of one of its
// occurrences (in != nil), under the UUID objectUUID ("" for the default:
// the event's own, or OccurrenceUUID). A UUID other than the event's gets
// its own id and the event's page as url.
func (f *Federation) objectFor(s *eventSource, in *model.Instance, objectUUID string) map[string]any {
	// An occurrence goes out as it is: an override's own title, place,
	// description and status (model.Occurrence), at its own times.
	occ := model.Occurrence(s.ev, in)
	place := s.place
	if in != nil {
		occ.UUID = OccurrenceUUID(s.ev.UUID, in.RecurrenceID)
		occ.Start, occ.End = in.Start, in.End
		if occ.PlaceID != s.ev.PlaceID {
			place = nil // held elsewhere: the place its LOCATION names
		}
	}
	if objectUUID != "" {
		occ.UUID = objectUUID
	}
	if occ.UUID == s.ev.UUID {
		return mobilizon.EventObject(s.ev, s.assoc, s.place, f.uris)
	}
	return mobilizon.EventObject(occ, s.assoc, place, occurrenceURIs{URIs: f.uris, occurrence: occ.UUID, series: s.ev.UUID})
}

// instanceFor finds the occurrence of a series by its RECURRENCE-ID as
// stored in published_objects.
func (f *Federation) instanceFor(ctx context.Context, ev *model.Event, rid string) (*model.Instance, error) {
	insts, err := f.store.GetInstances(ctx, ev.ID)
	if err != nil {
		return nil, err
	}
	for i := range insts {
		if model.FormatTime(insts[i].RecurrenceID) == rid {
			return &insts[i], nil
		}
	}
	return nil, db.ErrNotFound
}

// desired lists the objects a publishable event should have: the event
// itself, or for a recurring series its next OccurrenceCount occurrences
// that have not ended, within OccurrenceWindow, each with its own id.
func (f *Federation) desired(ctx context.Context, s *eventSource) ([]desiredObject, error) {
	if !s.ev.Recurring {
		return []desiredObject{{uuid: s.ev.UUID, start: s.ev.Start, obj: f.objectFor(s, nil, "")}}, nil
	}
	insts, err := f.store.GetInstances(ctx, s.ev.ID)
	if err != nil {
		return nil, err
	}
	now := f.cfg.Now()
	limit := now.Add(f.cfg.OccurrenceWindow)
	var out []desiredObject
	for i := range insts {
		in := &insts[i]
		if !model.PublicOccurrence(s.cal, s.ev, in) {
			// A private date of a public series is never sent; one that
			// was is deleted below, as no longer wanted.
			continue
		}
		end := in.End
		if end.IsZero() || end.Before(in.Start) {
			end = in.Start
		}
		if !end.After(now) {
			continue
		}
		if in.Start.After(limit) || len(out) >= f.cfg.OccurrenceCount {
			break
		}
		out = append(out, desiredObject{uuid: OccurrenceUUID(s.ev.UUID, in.RecurrenceID),
			rid: model.FormatTime(in.RecurrenceID), start: in.Start, in: in, obj: f.objectFor(s, in, "")})
	}
	return out, nil
}

// publishedObject rebuilds the object of a live published row.
func (f *Federation) publishedObject(ctx context.Context, p *db.PublishedObject) (map[string]any, error) {
	ev, err := f.store.GetEventByUUID(ctx, p.EventUUID)
	if err != nil {
		return nil, err
	}
	s, err := f.eventSource(ctx, ev)
	if err != nil {
		return nil, err
	}
	if !s.publishable() {
		return nil, db.ErrNotFound
	}
	if p.RecurrenceID == "" {
		return f.objectFor(s, nil, p.ObjectUUID), nil
	}
	in, err := f.instanceFor(ctx, ev, p.RecurrenceID)
	if err != nil {
		return nil, err
	}
	if !model.PublicOccurrence(s.cal, ev, in) {
		return nil, db.ErrNotFound
	}
	return f.objectFor(s, in, p.ObjectUUID), nil
}

// RepublishUUID is the UUID under which an object is published again after
// it was deleted (its calendar went private and public again, its class or
// moderation changed back, an EXDATE was removed): Mobilizon tombstones a
// deleted id forever and refuses to create it again, so the object comes
// back under a new, stable, name-based UUID derived from the deleted one.
// The event's page is still the object's url; GET of the old id keeps
// answering 410.
func RepublishUUID(deletedUUID string) string {
	h := sha1.Sum([]byte("bastide-republish:" + deletedUUID))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// tombstone is what a deleted object's URL answers (with 410).
func (f *Federation) tombstone(uuid string, deleted time.Time) map[string]any {
	return map[string]any{
		"type":       "Tombstone",
		"id":         f.uris.EventID(uuid),
		"formerType": "Event",
		"deleted":    deleted.UTC().Format(time.RFC3339),
	}
}

// hashObject is the published state of an object, stored per object in
// published_objects to tell whether it changed. It leaves out "updated":
// every edit of a series restamps it on each occurrence, and an Update of
// every occurrence for a change to one would be noise (Mobilizon rewrites
// the whole event on each).
func hashObject(obj map[string]any) string {
	if _, ok := obj["updated"]; ok {
		c := make(map[string]any, len(obj))
		for k, v := range obj {
			if k != "updated" {
				c[k] = v
			}
		}
		obj = c
	}
	b, _ := json.Marshal(obj)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

func randomToken() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// activity wraps an object into a top-level activity with @context.
func activity(typ, id, actor string, to, cc []any, object any, published time.Time) map[string]any {
	return map[string]any{
		"@context":  mobilizon.Context(),
		"id":        id,
		"type":      typ,
		"actor":     actor,
		"to":        to,
		"cc":        cc,
		"published": published.UTC().Truncate(time.Second).Format(time.RFC3339),
		"object":    object,
	}
}

// recipients returns the deduplicated delivery inboxes of an
// association's accepted followers and of the relay's (each list on its
// own: the same shared inbox may be in both).
func (f *Federation) recipients(ctx context.Context, associationID int64) (group, relay []string, err error) {
	list := func(id int64) ([]string, error) {
		fs, err := f.store.ListFollowers(ctx, id, db.FollowAccepted)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		var out []string
		for _, fl := range fs {
			if fl.Inbox != "" && !seen[fl.Inbox] {
				seen[fl.Inbox] = true
				out = append(out, fl.Inbox)
			}
		}
		return out, nil
	}
	if group, err = list(associationID); err != nil {
		return nil, nil, err
	}
	if relay, err = list(0); err != nil {
		return nil, nil, err
	}
	return group, relay, nil
}

// syncEvent brings the fediverse in step with an event: Create what is
// new, Update what changed, Delete what is gone (the whole event, an
// occurrence removed from its series, or an event no longer public). Past
// occurrences of a live series stay as they were. Each Create and Update
// is followed by an Announce from the relay to the relay's followers.
func (f *Federation) syncEvent(ctx context.Context, eventUUID string) error {
	var src *eventSource
	ev, err := f.store.GetEventByUUID(ctx, eventUUID)
	switch {
	case err == nil:
		if src, err = f.eventSource(ctx, ev); err != nil && !errors.Is(err, db.ErrNotFound) {
			return err
		}
	case !errors.Is(err, db.ErrNotFound):
		return err
	}
	var want []desiredObject
	publishable := src.publishable()
	if publishable {
		if want, err = f.desired(ctx, src); err != nil {
			return err
		}
	}
	now := f.cfg.Now()
	return f.store.Tx(ctx, func(tx *sql.Tx) error {
		existing, err := db.ListPublishedTx(ctx, tx, eventUUID)
		if err != nil {
			return err
		}
		if len(existing) == 0 && len(want) == 0 {
			return nil
		}
		var assoc *model.Association
		if src != nil && src.assoc != nil {
			assoc = src.assoc
		} else {
			for _, p := range existing {
				if a, err := f.store.GetAssociation(ctx, p.AssociationID); err == nil {
					assoc = a
					break
				}
			}
		}
		var actor string
		var signer int64
		var cc []any
		if assoc != nil {
			signer, actor = assoc.ID, f.uris.ActorID(assoc.Slug)
			cc = []any{f.uris.FollowersID(assoc.Slug)}
		} else {
			// The association is gone (and its Group's key with it): its
			// events can only be withdrawn, by the relay, which is on the
			// same host as the events (what Mobilizon's Delete checks
			// before it refetches the object and finds the 410).
			signer, actor = 0, f.uris.RelayID()
			cc = []any{f.uris.RelayFollowers()}
			want = nil
		}
		assocID := signer
		if assoc == nil && len(existing) > 0 {
			assocID = existing[0].AssociationID
		}
		groupInboxes, relayInboxes, err := f.recipients(ctx, assocID)
		if err != nil {
			return err
		}
		all := union(groupInboxes, relayInboxes)
		to := []any{mobilizon.Public}
		byUUID := map[string]*db.PublishedObject{}
		for _, p := range existing {
			byUUID[p.ObjectUUID] = p
		}
		wanted := map[string]bool{}
		for _, d := range want {
			// An id Mobilizon saw deleted cannot be created again: come
			// back under the next republication UUID (every row of the
			// event, republished ones included, is in byUUID).
			renamed := false
			for n := 0; n < 64; n++ {
				ex := byUUID[d.uuid]
				if ex == nil || ex.State != db.PublishedDeleted {
					break
				}
				d.uuid, renamed = RepublishUUID(d.uuid), true
			}
			if renamed {
				d.obj = f.objectFor(src, d.in, d.uuid)
			}
			wanted[d.uuid] = true
			h := hashObject(d.obj)
			ex := byUUID[d.uuid]
			if ex != nil && ex.State == db.PublishedLive && ex.BodyHash == h {
				continue
			}
			kind := "Create"
			if ex != nil && ex.State == db.PublishedLive {
				kind = "Update"
			}
			objID := mobilizon.IDOf(d.obj)
			act := activity(kind, f.uris.ActivityID(objID, lower(kind), f.token()), actor, to, cc, d.obj, now)
			if err := f.queue(ctx, tx, act, signer, all); err != nil {
				return err
			}
			// Mobilizon lists a remote event only once it got an Announce
			// of it (its Share is idempotent): announce updates too, so that
			// the listing follows the event. The Announce leaves after the
			// Create or Update to each inbox (deliveries of one object are
			// ordered).
			if len(relayInboxes) > 0 {
				if err := f.queue(ctx, tx, f.announce(objID, actor, d.obj, now), 0, relayInboxes); err != nil {
					return err
				}
			}
			p := &db.PublishedObject{ObjectUUID: d.uuid, EventUUID: eventUUID, RecurrenceID: d.rid,
				AssociationID: signer, Start: d.start, State: db.PublishedLive, BodyHash: h}
			if ex != nil {
				p.PublishedAt = ex.PublishedAt
			}
			if err := db.PutPublishedTx(ctx, tx, p); err != nil {
				return err
			}
		}
		for _, ex := range existing {
			if ex.State != db.PublishedLive || wanted[ex.ObjectUUID] {
				continue
			}
			if publishable && ex.RecurrenceID != "" && ex.Start.Before(now) {
				continue // a past occurrence of a live series: history
			}
			objID := f.uris.EventID(ex.ObjectUUID)
			act := activity("Delete", f.uris.ActivityID(objID, "delete", f.token()), actor, to, cc,
				f.tombstone(ex.ObjectUUID, now), now)
			if err := f.queue(ctx, tx, act, signer, all); err != nil {
				return err
			}
			ex.State = db.PublishedDeleted
			if err := db.PutPublishedTx(ctx, tx, ex); err != nil {
				return err
			}
		}
		return nil
	})
}

// announce is the relay's Announce of an event object published by actor
// (its association's Group).
func (f *Federation) announce(objID, actor string, obj map[string]any, now time.Time) map[string]any {
	return activity("Announce", f.uris.ActivityID(objID, "announce", f.token()), f.uris.RelayID(),
		[]any{f.uris.RelayFollowers(), actor}, []any{mobilizon.Public}, obj, now)
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// queue stores an activity and its deliveries in tx.
func (f *Federation) queue(ctx context.Context, tx *sql.Tx, act map[string]any, signer int64, inboxes []string) error {
	body, err := json.Marshal(act)
	if err != nil {
		return err
	}
	return db.QueueActivityTx(ctx, tx, mobilizon.IDOf(act), signer, body, inboxes)
}

// publishPending follows the change log from the stored cursor and syncs
// every event it names. It returns how many changes it read.
func (f *Federation) publishPending(ctx context.Context) (int, error) {
	cur := int64(0)
	if v, err := f.store.GetMeta(ctx, metaPublisherSeq); err == nil {
		cur, _ = strconv.ParseInt(v, 10, 64)
	} else if !errors.Is(err, db.ErrNotFound) {
		return 0, err
	}
	changes, err := f.store.ChangesAfter(ctx, cur, 500)
	if err != nil || len(changes) == 0 {
		return 0, err
	}
	seen := map[string]bool{}
	for _, c := range changes {
		if c.UUID == "" || seen[c.UUID] {
			continue
		}
		seen[c.UUID] = true
		if err := f.publishOne(ctx, c.UUID); err != nil {
			return 0, err
		}
	}
	last := changes[len(changes)-1].Seq
	if err := f.store.SetMeta(ctx, metaPublisherSeq, strconv.FormatInt(last, 10)); err != nil {
		return 0, err
	}
	wake(f.wakeDeliver)
	return len(changes), nil
}

// publishOne syncs one event with the fediverse. An event that fails (a
// panic included) is recorded with its error and retried with backoff by
// retryFailed, so that it does not hold up the events after it in the
// change log; only a failure to record that, or the end of ctx, is
// returned.
func (f *Federation) publishOne(ctx context.Context, uuid string) error {
	err := f.syncEventGuarded(ctx, uuid)
	if err == nil {
		return f.store.ClearPublishFailure(ctx, uuid)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	n, rerr := f.store.RecordPublishFailure(ctx, uuid, err.Error(), f.cfg.Now())
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	f.log.WarnContext(ctx, "federation: event not published, will retry", "event_uuid", uuid, "attempt", n, "err", err)
	return nil
}

// syncEventGuarded is syncEvent that turns a panic into an error.
func (f *Federation) syncEventGuarded(ctx context.Context, uuid string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("federation: publishing %s panicked: %v", uuid, p)
		}
	}()
	if f.cfg.failPublish != nil {
		if err := f.cfg.failPublish(uuid); err != nil {
			return err
		}
	}
	return f.syncEvent(ctx, uuid)
}

// retryFailed tries again the failed events that are due.
func (f *Federation) retryFailed(ctx context.Context) error {
	due, err := f.store.DuePublishFailures(ctx, f.cfg.Now(), 100)
	if err != nil {
		return err
	}
	for _, d := range due {
		if err := f.publishOne(ctx, d.UUID); err != nil {
			return err
		}
	}
	if len(due) > 0 {
		wake(f.wakeDeliver)
	}
	return nil
}

// resyncSeries moves every recurring series' published occurrences on
// with time (new ones Created, ended ones left as history).
func (f *Federation) resyncSeries(ctx context.Context) error {
	uuids, err := f.store.ListRecurringLocalEventUUIDs(ctx)
	if err != nil {
		return err
	}
	for _, u := range uuids {
		if err := f.publishOne(ctx, u); err != nil {
			return err
		}
	}
	wake(f.wakeDeliver)
	return nil
}

// runPublisher follows the change log until ctx is done.
func (f *Federation) runPublisher(ctx context.Context) {
	tick := time.NewTicker(f.cfg.PollInterval)
	defer tick.Stop()
	series := time.NewTicker(time.Hour)
	defer series.Stop()
	if err := f.resyncSeries(ctx); err != nil && ctx.Err() == nil {
		f.log.ErrorContext(ctx, "federation: resync series", "err", err)
	}
	for {
		for {
			n, err := f.publishPending(ctx)
			if err != nil {
				if ctx.Err() == nil {
					f.log.ErrorContext(ctx, "federation: publisher", "err", err)
				}
				break
			}
			if n == 0 {
				break
			}
		}
		if err := f.retryFailed(ctx); err != nil && ctx.Err() == nil {
			f.log.ErrorContext(ctx, "federation: retry failed events", "err", err)
		}
		// The associations being removed, once their events' Deletes are
		// queued.
		if err := f.finishRemovals(ctx); err != nil && ctx.Err() == nil {
			f.log.ErrorContext(ctx, "federation: finish removals", "err", err)
		}
		// The follows an owner decided in the back office.
		if err := f.sendAnswers(ctx); err != nil && ctx.Err() == nil {
			f.log.WarnContext(ctx, "federation: answer decided follows", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-f.wakePublish:
		case <-series.C:
			if err := f.resyncSeries(ctx); err != nil && ctx.Err() == nil {
				f.log.ErrorContext(ctx, "federation: resync series", "err", err)
			}
		}
	}
}

func union(a, b []string) []string {
	seen := make(map[string]bool, len(a)+len(b))
	out := make([]string, 0, len(a)+len(b))
	for _, l := range [][]string{a, b} {
		for _, s := range l {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
