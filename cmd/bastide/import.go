package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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

// Import bounds.
const (
	defaultImportMaxSize = 256 << 20
	importMaxComponents  = 2_000_000
	defaultImportBatch   = 2000
	maxRefusalsShown     = 20
)

func init() {
	register(&Command{
		Name:    "import",
		Args:    "FILE.ics",
		Summary: "import an iCalendar file into an association's calendar (idempotent by UID)",
		Help: `Reads FILE.ics (an export of Google Calendar, Thunderbird, Outlook, Apple
Calendar, another Bastide...) and writes each event into the calendar
--calendar of the association --association. The calendar is created if it
does not exist yet. Events are matched by UID: importing the same file again
changes nothing, and an updated file updates the events it changed. An event
that cannot be stored is refused with the reason and does not stop the
others; the final report counts added, updated, unchanged and refused events.
The exit status is 1 when nothing could be imported.`,
		MinArgs: 1, MaxArgs: 1,
		Setup: func(fs *flag.FlagSet, _ *App) Runner {
			assoc := fs.String("association", "", "`slug` of the association (required)")
			cal := fs.String("calendar", defaultCalendarSlug, "`slug` of the calendar; created if missing")
			calName := fs.String("calendar-name", "", "`name` of the calendar if it is created (default: the slug)")
			public := fs.Bool("public", true, "make a calendar created by the import public (on the common agenda and the fediverse)")
			maxSize := fs.Int64("max-size", defaultImportMaxSize, "largest file accepted, in `bytes`")
			batch := fs.Int("batch", defaultImportBatch, "`number` of events written per transaction")
			return func(ctx context.Context, app *App, args []string) error {
				if *assoc == "" {
					return usagef("--association is required: the slug of the association the events belong to (see `bastide association list`)")
				}
				if !model.ValidSlug(*cal) {
					return usagef("--calendar %q is not a valid slug: lower-case letters, digits and inner hyphens", *cal)
				}
				if *batch < 1 || *batch > 10000 {
					return usagef("--batch must be between 1 and 10000")
				}
				data, err := readLimited(args[0], *maxSize)
				if err != nil {
					return err
				}
				store, err := app.OpenStore(ctx, true)
				if err != nil {
					return err
				}
				defer store.Close()
				a, err := getAssociation(ctx, store, *assoc)
				if err != nil {
					return err
				}
				opts := importOptions{CalendarSlug: *cal, CalendarName: *calName, Public: *public, Batch: *batch}
				if isTerminal(app.Stderr) {
					opts.Progress = progressBar(app.Stderr)
				}
				rep, err := importICS(ctx, store, a, data, opts)
				if opts.Progress != nil {
					fmt.Fprint(app.Stderr, "\r\033[K")
				}
				if err != nil {
					return err
				}
				rep.print(app.Stdout, a.Slug)
				app.Logger.Info("import done", "file", args[0], "association", a.Slug, "calendar", *cal,
					"added", rep.Added, "updated", rep.Updated, "unchanged", rep.Unchanged, "refused", len(rep.Refused),
					"duration_ms", rep.Duration.Milliseconds())
				if rep.Added+rep.Updated+rep.Unchanged == 0 {
					return fmt.Errorf("nothing imported: all %d objects of %s were refused", len(rep.Refused), args[0])
				}
				return nil
			}
		},
	})
}

// readLimited reads a whole file, refusing one larger than max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %s: raise --max-size if it is really an iCalendar file", path, humanSize(max))
	}
	return data, nil
}

type importOptions struct {
	CalendarSlug string
	CalendarName string
	Public       bool
	// Batch is the number of events per transaction.
	Batch int
	// Progress, when set, is told after each batch.
	Progress func(done, total int)
	// Now is the reference time for recurrence expansion (default now).
	Now time.Time
}

type refusal struct {
	UID    string
	Reason string
}

type importReport struct {
	Objects         int
	Added           int
	Updated         int
	Unchanged       int
	Refused         []refusal
	CalendarCreated bool
	Calendar        *model.Calendar
	Duration        time.Duration
	// WriteDuration is the time spent in the store's writes.
	WriteDuration time.Duration
}

func (r *importReport) print(w io.Writer, assoc string) {
	if r.CalendarCreated {
		fmt.Fprintf(w, "Created the calendar %q of %s (public: %v).\n", r.Calendar.Slug, assoc, r.Calendar.Public)
	}
	rate := ""
	if secs := r.Duration.Seconds(); secs > 0 {
		rate = fmt.Sprintf(", %.0f events/s", float64(r.Objects)/secs)
	}
	fmt.Fprintf(w, "Imported %d objects in %s%s: %d added, %d updated, %d unchanged, %d refused.\n",
		r.Objects, r.Duration.Round(time.Millisecond), rate, r.Added, r.Updated, r.Unchanged, len(r.Refused))
	for i, ref := range r.Refused {
		if i == maxRefusalsShown {
			fmt.Fprintf(w, "  ... and %d more refused\n", len(r.Refused)-maxRefusalsShown)
			break
		}
		uid := ref.UID
		if uid == "" {
			uid = "(no UID)"
		}
		fmt.Fprintf(w, "  refused %s: %s\n", uid, ref.Reason)
	}
}

var safeHref = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$`)

// hrefFor names the resource of an imported object after its UID when the
// UID is a safe file name, after its hash otherwise.
func hrefFor(uid string) string {
	if safeHref.MatchString(uid) {
		return uid + ".ics"
	}
	sum := sha256.Sum256([]byte(uid))
	return hex.EncodeToString(sum[:16]) + ".ics"
}

// reason turns a write or parse error into a message for the report.
func reason(err error) string {
	msg := err.Error()
	for _, p := range []string{"ical: ", "db: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return ve.Field + ": " + ve.Msg
	}
	var uc *db.UIDConflictError
	if errors.As(err, &uc) {
		return fmt.Sprintf("UID already used by %s in this calendar", uc.Href)
	}
	return msg
}

// importICS writes the objects of an iCalendar file into a calendar of the
// association, creating the calendar when the file has at least one usable
// object. Objects are matched by UID.
func importICS(ctx context.Context, store *db.Store, a *model.Association, data []byte, opt importOptions) (*importReport, error) {
	start := time.Now()
	if opt.Now.IsZero() {
		opt.Now = start
	}
	if opt.Batch <= 0 {
		opt.Batch = defaultImportBatch
	}
	// An import allocates a great deal of short-lived parse results: the
	// collector runs only when the heap nears a soft limit of 256 MiB (or
	// at 8× the live heap), which saves a tenth of the time or more.
	defer debug.SetGCPercent(debug.SetGCPercent(800))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(256 << 20))
	lim := ical.DefaultLimits()
	lim.MaxBytes = len(data) + 1
	lim.MaxComponents = importMaxComponents
	objs, err := ical.Split(data, lim)
	if err != nil {
		return nil, fmt.Errorf("not a usable iCalendar file: %s", reason(err))
	}
	if len(objs) == 0 {
		return nil, errors.New("the file holds no events (no VEVENT or VTODO)")
	}
	rep := &importReport{Objects: len(objs)}

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
	batches := make(chan expanded, 1)
	go func() {
		defer close(batches)
		for i := 0; i < len(objs); i += opt.Batch {
			b := expandBatch(objs[i:min(i+opt.Batch, len(objs))], opt.Now)
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
	var cal *model.Calendar
	done := 0
	for b := range batches {
		rep.Refused = append(rep.Refused, b.refused...)
		done += b.objects
		if len(b.events) > 0 {
			if cal == nil {
				c, created, err := ensureCalendar(ctx, store, a, opt, comps)
				if err != nil {
					return nil, err
				}
				cal, rep.Calendar, rep.CalendarCreated = c, c, created
			}
			puts := make([]db.Put, 0, len(b.events))
			for _, e := range b.events {
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
				switch {
				case r.Err != nil:
					rep.Refused = append(rep.Refused, refusal{UID: puts[k].Event.UID, Reason: reason(r.Err)})
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
	rep.Duration = time.Since(start)
	return rep, nil
}

// ensureCalendar returns the association's calendar, creating it if needed.
func ensureCalendar(ctx context.Context, store *db.Store, a *model.Association, opt importOptions, comps []string) (*model.Calendar, bool, error) {
	cal, err := store.GetAssociationCalendar(ctx, a.ID, opt.CalendarSlug)
	if err == nil {
		return cal, false, nil
	}
	if !errors.Is(err, db.ErrNotFound) {
		return nil, false, err
	}
	name := opt.CalendarName
	if name == "" {
		name = opt.CalendarSlug
	}
	cal = &model.Calendar{Kind: model.CalendarAssociation, AssociationID: a.ID, Slug: opt.CalendarSlug,
		Name: name, Public: opt.Public, Components: comps}
	if err := store.CreateCalendar(ctx, cal); err != nil {
		return nil, false, fmt.Errorf("create calendar %q: %w", opt.CalendarSlug, err)
	}
	return cal, true, nil
}

// expanded is one batch ready to write.
type expanded struct {
	objects int
	events  []*model.Event
	refused []refusal
}

// expandBatch turns parsed objects into events with their occurrences, on
// every CPU, keeping the file order.
func expandBatch(objs []ical.ObjectResult, now time.Time) expanded {
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
				e.Href = hrefFor(e.UID)
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
	b := expanded{objects: len(objs), events: make([]*model.Event, 0, len(objs))}
	for i, e := range out {
		if errs[i] != nil {
			b.refused = append(b.refused, refusal{UID: objs[i].UID, Reason: reason(errs[i])})
			continue
		}
		b.events = append(b.events, e)
	}
	return b
}

// progressBar draws "\r[#####     ] 50% 5000/10000 4200/s" on a terminal.
func progressBar(w io.Writer) func(done, total int) {
	start := time.Now()
	return func(done, total int) {
		const width = 30
		frac := float64(done) / float64(max(total, 1))
		n := int(frac * width)
		rate := float64(done) / max(time.Since(start).Seconds(), 1e-3)
		fmt.Fprintf(w, "\r[%s%s] %3.0f%% %d/%d %.0f events/s", strings.Repeat("#", n), strings.Repeat(" ", width-n), frac*100, done, total, rate)
	}
}
