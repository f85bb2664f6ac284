package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/ical"
)

// backfill runs, once, the reading again of events stored by an older
// Bastide that migrations ask for (a meta key each, removed when done, so
// that the next start finds nothing to do).
func backfill(store *db.Store, log *slog.Logger) func(context.Context) error {
	return func(ctx context.Context) error {
		if _, err := refreshOccurrences(ctx, store, log, time.Now()); err != nil {
			return fmt.Errorf("occurrences: %w", err)
		}
		if _, err := refreshShownFields(ctx, store, log); err != nil {
			return fmt.Errorf("shown fields: %w", err)
		}
		return nil
	}
}

// refreshOccurrences expands again, once, the series that have overrides
// stored before the store kept each occurrence's own title, place, class
// and commune (migration 0007): until then a moved date would show the
// series' text and a private one would not be known as private. It
// returns the number of events read.
func refreshOccurrences(ctx context.Context, store *db.Store, log *slog.Logger, now time.Time) (int, error) {
	lim := ical.DefaultLimits()
	return rereadOnce(ctx, store, log, db.MetaOccurrenceRefresh, "occurrences of series with overrides stored again",
		200, func(after int64, n int) ([]*model.Event, error) { return store.EventsWithOverrides(ctx, after, n) },
		func(e *model.Event, obj *ical.Object) (bool, error) {
			fresh, err := obj.Event(now, lim)
			if err != nil {
				return false, nil
			}
			e.Instances = fresh.Instances
			return true, store.RefreshOccurrences(ctx, e)
		})
}

// refreshShownFields reads, once, the price, accessibility notes, online
// link and poster of the events stored before the store kept them
// (migration shown_fields), so that the web pages read columns instead of
// parsing texts. It returns the number of events read.
func refreshShownFields(ctx context.Context, store *db.Store, log *slog.Logger) (int, error) {
	lim := ical.DefaultLimits()
	return rereadOnce(ctx, store, log, db.MetaShownFieldsRefresh, "prices, accessibility, online links and posters read from the stored texts",
		500, func(after int64, n int) ([]*model.Event, error) { return store.EventsAfter(ctx, after, n) },
		func(e *model.Event, obj *ical.Object) (bool, error) {
			// The instances are not needed: expand none beyond the first.
			fresh, err := obj.EventContext(ctx, e.Start, lim)
			if err != nil || fresh.Price == "" && len(fresh.Access) == 0 && fresh.Online == "" && fresh.ImageURL == "" {
				return false, nil
			}
			e.Price, e.Access, e.Online, e.ImageURL, e.ImageType = fresh.Price, fresh.Access, fresh.Online, fresh.ImageURL, fresh.ImageType
			return true, store.RefreshShownFields(ctx, e)
		})
}

// rereadOnce is the road of both: while the meta key is set, it reads the
// events that batch gives, size at a time, after the key's value (an
// event id), parses each
// stored text and hands it to redo (which tells whether it wrote), saves
// the id reached after each batch (a restart resumes there), and removes
// the key when the last batch is done. A text the current limits refuse,
// or an event changed meanwhile (ErrPrecondition), is left as it is. It
// returns the number of events read.
func rereadOnce(ctx context.Context, store *db.Store, log *slog.Logger, key, done string,
	size int, batch func(after int64, n int) ([]*model.Event, error), redo func(*model.Event, *ical.Object) (bool, error)) (int, error) {
	v, err := store.GetMeta(ctx, key)
	if errors.Is(err, db.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	after, _ := strconv.ParseInt(v, 10, 64)
	lim := ical.DefaultLimits()
	read, n := 0, 0
	for {
		evs, err := batch(after, size)
		if err != nil {
			return read, err
		}
		for _, e := range evs {
			after = e.ID
			read++
			obj, err := ical.ParseObject([]byte(e.Data), lim)
			if err != nil {
				continue // stored before the current limits: left as it is
			}
			wrote, err := redo(e, obj)
			if err != nil && !errors.Is(err, db.ErrPrecondition) {
				return read, fmt.Errorf("event %d: %w", e.ID, err)
			}
			if wrote {
				n++
			}
		}
		if err := store.SetMeta(ctx, key, strconv.FormatInt(after, 10)); err != nil {
			return read, err
		}
		if len(evs) < size {
			break
		}
	}
	if n > 0 {
		log.Info(done, "events", n)
	}
	return read, store.DeleteMeta(ctx, key)
}
