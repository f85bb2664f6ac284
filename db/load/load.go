// Package load writes iCalendar text into a calendar of the store: the
// one import road shared by `bastide import`, the upload of an .ics file
// in the back office and the refresh of ICS subscriptions.
//
// An import is a store write from iCalendar text, so this package sits
// above both db and ical (which never see each other), and only cmd, web
// and the subscription worker import it. Objects are matched by UID:
// importing the same text again changes nothing (the store compares the
// stored text and logs no change, so the fediverse gets no Update), an
// object that cannot be stored is refused with its reason without
// stopping the others, and a subscription's refresh (Options.Feed) also
// deletes the events whose UID left the feed, but only once the whole
// feed was read and parsed, and counting the refused objects as present.
package load

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// Bounds of an import.
const (
	// MaxComponents bounds the components of one file.
	MaxComponents = 2_000_000
	// DefaultBatch is the number of events written per transaction.
	DefaultBatch = 2000
	// MaxFileSize is the largest file an import takes by default: the
	// command's --max-size and the upload page's cap.
	MaxFileSize = 256 << 20
)

// Options of an import.
type Options struct {
	// CalendarSlug names the association's calendar, created (with
	// CalendarName and Public) when the text has a usable object.
	CalendarSlug string
	CalendarName string
	Public       bool
	// Feed, when set, is the subscribed calendar being refreshed: the
	// events are written into it (whatever CalendarSlug says), and events
	// of it whose UID is not in the text are deleted. Without Feed, a
	// subscribed calendar is refused: its feed is its source of truth.
	Feed *model.Calendar
	// Batch is the number of events per transaction.
	Batch int
	// Progress, when set, is told after each batch.
	Progress func(done, total int)
	// Now is the reference time for recurrence expansion (default now).
	Now time.Time
}

// Report tells what an import did.
type Report struct {
	Objects   int
	Added     int
	Updated   int
	Unchanged int
	// Deleted counts the events that left a subscription's feed.
	Deleted int
	// Federated counts the events of an upload not written because the
	// agenda has them already from the fediverse (see fromFediverse).
	Federated int
	// Replaced counts the fediverse copies of events that a feed's copy
	// replaced (the store's rule: a subscribed calendar's copy wins).
	Replaced        int
	Refused         []Refusal
	CalendarCreated bool
	Calendar        *model.Calendar
	Duration        time.Duration
	// WriteDuration is the time spent in the store's writes.
	WriteDuration time.Duration
}

// ErrReadOnly is returned for an import into a subscribed calendar.
var ErrReadOnly = errors.New("load: the calendar follows a feed")

// ErrNoEvents is returned for a file that holds no event or task.
var ErrNoEvents = errors.New("the file holds no events (no VEVENT or VTODO)")

var safeHref = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$`)

// Href names the resource of an imported object after its UID when the
// UID is a safe file name, after its hash otherwise.
func Href(uid string) string {
	if safeHref.MatchString(uid) {
		return uid + ".ics"
	}
	sum := sha256.Sum256([]byte(uid))
	return hex.EncodeToString(sum[:16]) + ".ics"
}

// Reason turns a write or parse error into its technical text, in
// English (a Refusal's Detail).
func Reason(err error) string {
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return ve.Field + ": " + ve.Msg
	}
	var uc *db.UIDConflictError
	if errors.As(err, &uc) {
		return fmt.Sprintf("UID already used by %s in this calendar", uc.Href)
	}
	msg := err.Error()
	for _, p := range []string{"ical: ", "db: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

// NotCalendarError is text that is not iCalendar at all; the import
// changed nothing.
type NotCalendarError struct{ Reason string }

func (e *NotCalendarError) Error() string { return "not a usable iCalendar file: " + e.Reason }

// ICS writes the objects of iCalendar text into a calendar of the
// association a. Objects are matched by UID.
func ICS(ctx context.Context, store *db.Store, a *model.Association, data []byte, opt Options) (*Report, error) {
	start := time.Now()
	if opt.Now.IsZero() {
		opt.Now = start
	}
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
	}
	// An import allocates a great deal of short-lived parse results: the
	// collector runs only when the heap nears a soft limit of 256 MiB (or
	// at 8× the live heap), which saves a tenth of the time or more.
	defer debug.SetGCPercent(debug.SetGCPercent(800))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(256 << 20))
	cal := opt.Feed
	if cal == nil {
		// An existing calendar must be writable, before any parsing.
		c, err := store.GetAssociationCalendar(ctx, a.ID, opt.CalendarSlug)
		if err == nil {
			if src := c.ReadOnlySource(); src != "" {
				return nil, fmt.Errorf("%w: the calendar %q follows %s and only that address changes its events; import into another calendar, or remove the subscription first", ErrReadOnly, c.Slug, src)
			}
			cal = c
		} else if !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
	}
	lim := ical.DefaultLimits()
	lim.MaxBytes = len(data) + 1
	lim.MaxComponents = MaxComponents
	objs, err := ical.Split(data, lim)
	if err != nil {
		return nil, &NotCalendarError{Reason: Reason(err)}
	}
	if len(objs) == 0 && opt.Feed == nil {
		return nil, ErrNoEvents
	}
	rep := &Report{Objects: len(objs)}
	rep.Calendar = cal

	// A calendar created by the import accepts the components of the file.
	comps := []string{"VEVENT"}
	for _, o := range objs {
		if o.Obj != nil && o.Obj.Component == "VTODO" {
			comps = append(comps, "VTODO")
			break
		}
	}

	// Expansion (CPU) of the next batch runs while the current one is
	// written (one writer, the disk): a two-stage pipeline.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan Expanded, 1)
	go func() {
		defer close(batches)
		for i := 0; i < len(objs); i += opt.Batch {
			b := Expand(objs[i:min(i+opt.Batch, len(objs))], opt.Now)
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()

	bulkDone, err := store.BulkWrites(ctx)
	if err != nil {
		return nil, err
	}
	defer bulkDone()
	done := 0
	for b := range batches {
		rep.Refused = append(rep.Refused, b.Refused...)
		done += b.Objects
		if len(b.Events) > 0 {
			if cal == nil {
				c, err := createCalendar(ctx, store, a, opt, comps)
				if err != nil {
					return nil, err
				}
				cal, rep.Calendar, rep.CalendarCreated = c, c, true
			}
			var known map[*model.Event]bool
			if opt.Feed == nil {
				// A feed's events are all written: the store lets the
				// feed's copy win over the fediverse's (db.PutResult).
				known, err = fromFediverse(ctx, store, b.Events)
				if err != nil {
					return nil, err
				}
			}
			puts := make([]db.Put, 0, len(b.Events))
			for _, e := range b.Events {
				if known[e] {
					rep.Federated++
					continue
				}
				e.CalendarID = cal.ID
				puts = append(puts, db.Put{Event: e, ByUID: true})
			}
			ws := time.Now()
			results, err := store.PutEvents(ctx, puts)
			rep.WriteDuration += time.Since(ws)
			if err != nil {
				return nil, fmt.Errorf("write events: %w (the batches before this one are stored; run the import again to finish)", err)
			}
			for k, r := range results {
				rep.Replaced += r.Replaced
				switch {
				case r.Err != nil:
					rep.Refused = append(rep.Refused, refuse(puts[k].Event.UID, puts[k].Event.Component, r.Err))
				case r.Created:
					rep.Added++
				case r.Unchanged:
					rep.Unchanged++
				default:
					rep.Updated++
				}
			}
		}
		if opt.Progress != nil {
			opt.Progress(done, len(objs))
		}
	}
	if err := ctx.Err(); err != nil {
		// The pipeline stopped early: the text was not wholly applied,
		// and nothing may be deleted on its account.
		return nil, err
	}
	if opt.Feed != nil {
		// Every UID of the feed counts as present, refused ones too (a
		// broken copy of an event must not delete the stored one).
		keep := make(map[string]bool, len(objs))
		for _, o := range objs {
			keep[o.UID] = true
		}
		ws := time.Now()
		rep.Deleted, err = store.DeleteEventsNotIn(ctx, opt.Feed.ID, keep)
		rep.WriteDuration += time.Since(ws)
		if err != nil {
			return nil, fmt.Errorf("delete the events that left the feed: %w", err)
		}
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// fromFediverse tells which events of an upload are on the agenda already
// as events pulled from the fediverse, so that the same event is not shown
// (nor published) twice: an upload is a one-off copy, while the fediverse
// copy keeps following its source. (A subscription is the other way
// round: its calendar's copy wins, by the store's rule; see db.PutResult.) Mobilizon's ICS gives an event's UUID
// as its UID and its ActivityPub id as its URL; another Bastide or a
// Gancio may give the id as the UID: either names the stored event.
func fromFediverse(ctx context.Context, store *db.Store, evs []*model.Event) (map[*model.Event]bool, error) {
	var ids []string
	for _, e := range evs {
		for _, s := range []string{e.URL, e.UID} {
			if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
				ids = append(ids, model.NormalizeIRI(s))
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	stored, err := store.StoredAPIDs(ctx, ids)
	if err != nil || len(stored) == 0 {
		return nil, err
	}
	out := map[*model.Event]bool{}
	for _, e := range evs {
		for _, s := range []string{e.URL, e.UID} {
			if s != "" && stored[model.NormalizeIRI(s)] {
				out[e] = true
			}
		}
	}
	return out, nil
}

// createCalendar makes the association's calendar named in opt.
func createCalendar(ctx context.Context, store *db.Store, a *model.Association, opt Options, comps []string) (*model.Calendar, error) {
	name := opt.CalendarName
	if name == "" {
		name = opt.CalendarSlug
	}
	cal := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: opt.CalendarSlug,
		Name: name, Public: opt.Public, Components: comps}
	if err := store.CreateCalendar(ctx, cal); err != nil {
		return nil, fmt.Errorf("create calendar %q: %w", opt.CalendarSlug, err)
	}
	return cal, nil
}

// Expanded is one batch ready to write.
type Expanded struct {
	Objects int
	Events  []*model.Event
	Refused []Refusal
}

// Expand turns parsed objects into events with their occurrences, on
// every CPU, keeping the text's order.
func Expand(objs []ical.ObjectResult, now time.Time) Expanded {
	out := make([]*model.Event, len(objs))
	errs := make([]error, len(objs))
	lim := ical.DefaultLimits()
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(objs); i += workers {
				o := objs[i]
				if o.Err != nil {
					errs[i] = o.Err
					continue
				}
				e, err := o.Obj.Event(now, lim)
				if err != nil {
					errs[i] = err
					continue
				}
				e.Href = Href(e.UID)
				if e.CommuneINSEE == "" {
					// The store would derive it too; here, on every CPU,
					// it costs the single writer nothing.
					e.CommuneINSEE = model.DeriveCommune(e.Location, e.Lat, e.Lon, e.HasGeo)
				}
				out[i] = e
			}
		}()
	}
	wg.Wait()
	b := Expanded{Objects: len(objs), Events: make([]*model.Event, 0, len(objs))}
	for i, e := range out {
		if errs[i] != nil {
			b.Refused = append(b.Refused, refuse(objs[i].UID, "", errs[i]))
			continue
		}
		b.Events = append(b.Events, e)
	}
	return b
}
