package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/bastide47/bastide/db/load"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/web"
)

// Import bounds.
const (
	defaultImportMaxSize = load.MaxFileSize
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
			batch := fs.Int("batch", load.DefaultBatch, "`number` of events written per transaction")
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
				store, a, err := app.openAssociation(ctx, *assoc)
				if err != nil {
					return err
				}
				defer store.Close()
				opts := load.Options{CalendarSlug: *cal, CalendarName: *calName, Public: *public, Batch: *batch}
				if isTerminal(app.Stderr) {
					opts.Progress = progressBar(app.Stderr)
				}
				rep, err := load.ICS(ctx, store, a, data, opts)
				if opts.Progress != nil {
					fmt.Fprint(app.Stderr, "\r\033[K")
				}
				if err != nil {
					return err
				}
				printReport(app.Stdout, rep, a.Slug)
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

// printReport writes an import's report for a person.
func printReport(w io.Writer, r *load.Report, assoc string) {
	if r.CalendarCreated {
		fmt.Fprintf(w, "Created the calendar %q of %s (public: %v).\n", r.Calendar.Slug, assoc, r.Calendar.Public)
	}
	rate := ""
	if secs := r.Duration.Seconds(); secs > 0 {
		rate = fmt.Sprintf(", %.0f events/s", float64(r.Objects)/secs)
	}
	fmt.Fprintf(w, "Imported %d objects in %s%s: %d added, %d updated, %d unchanged, %d refused.\n",
		r.Objects, r.Duration.Round(time.Millisecond), rate, r.Added, r.Updated, r.Unchanged, len(r.Refused))
	if r.Federated > 0 {
		fmt.Fprintf(w, "  %d already on the agenda from the fediverse: not written twice\n", r.Federated)
	}
	for i, ref := range r.Refused {
		if i == maxRefusalsShown {
			fmt.Fprintf(w, "  ... and %d more refused\n", len(r.Refused)-maxRefusalsShown)
			break
		}
		uid := ref.UID
		if uid == "" {
			uid = "(no UID)"
		}
		fmt.Fprintf(w, "  refused %s: %s (%s)\n", uid, web.RefusalText("en", ref), ref.Detail)
	}
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
