package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/bastide47/bastide/db"
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
// series' text and a private one would not be known as private. It runs
// at start, resumes where it stopped, and then forgets the task. It
// returns the number of events read.
func refreshOccurrences(ctx context.Context, store *db.Store, log *slog.Logger, now time.Time) (int, error) {
	read := 0
	v, err := store.GetMeta(ctx, db.MetaOccurrenceRefresh)
	if errors.Is(err, db.ErrNotFound) {
		return read, nil
	}
	if err != nil {
		return read, err
	}
	after, _ := strconv.ParseInt(v, 10, 64)
	lim := ical.DefaultLimits()
	n := 0
	for {
		evs, err := store.EventsWithOverrides(ctx, after, 200)
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
			fresh, err := obj.Event(now, lim)
			if err != nil {
				continue
			}
			e.Instances = fresh.Instances
			if err := store.RefreshOccurrences(ctx, e); err != nil && !errors.Is(err, db.ErrPrecondition) {
				return read, fmt.Errorf("event %d: %w", e.ID, err)
			}
			n++
		}
		if err := store.SetMeta(ctx, db.MetaOccurrenceRefresh, strconv.FormatInt(after, 10)); err != nil {
			return read, err
		}
		if len(evs) < 200 {
			break
		}
	}
	if n > 0 {
		log.Info("occurrences of series with overrides stored again", "events", n)
	}
	return read, store.DeleteMeta(ctx, db.MetaOccurrenceRefresh)
}

// refreshShownFields reads, once, the price, accessibility notes, online
// link and poster of the events stored before the store kept them
// (migration shown_fields), so that the web pages read columns instead of parsing
// texts. It runs at start, resumes where it stopped, and then forgets the
// task. It returns the number of events read.
func refreshShownFields(ctx context.Context, store *db.Store, log *slog.Logger) (int, error) {
	read := 0
	v, err := store.GetMeta(ctx, db.MetaShownFieldsRefresh)
	if errors.Is(err, db.ErrNotFound) {
		return read, nil
	}
	if err != nil {
		return read, err
	}
	after, _ := strconv.ParseInt(v, 10, 64)
	lim := ical.DefaultLimits()
	n := 0
	for {
		evs, err := store.EventsAfter(ctx, after, 500)
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
			// The instances are not needed: expand none beyond the first.
			fresh, err := obj.EventContext(ctx, e.Start, lim)
			if err != nil {
				continue
			}
			if fresh.Price == "" && len(fresh.Access) == 0 && fresh.Online == "" && fresh.ImageURL == "" {
				continue
			}
			e.Price, e.Access, e.Online, e.ImageURL, e.ImageType = fresh.Price, fresh.Access, fresh.Online, fresh.ImageURL, fresh.ImageType
			if err := store.RefreshShownFields(ctx, e); err != nil && !errors.Is(err, db.ErrPrecondition) {
				return read, fmt.Errorf("event %d: %w", e.ID, err)
			}
			n++
		}
		if err := store.SetMeta(ctx, db.MetaShownFieldsRefresh, strconv.FormatInt(after, 10)); err != nil {
			return read, err
		}
		if len(evs) < 500 {
			break
		}
	}
	if n > 0 {
		log.Info("prices, accessibility, online links and posters read from the stored texts", "events", n)
	}
	return read, store.DeleteMeta(ctx, db.MetaShownFieldsRefresh)
}
