package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/bastide47/bastide/db"
)

// Back-office sessions end after sessionIdle without use, and
// sessionMaxLife after sign-in whatever the activity.
const (
	sessionIdle    = 8 * time.Hour
	sessionMaxLife = 7 * 24 * time.Hour
	// sessionSweep is how often the sessions that can no longer be used
	// (and long-expired invitation and reset links) are deleted.
	sessionSweep = time.Hour
)

// sessionCleanup is the periodic job that deletes dead sessions and
// links: once at start, then every sessionSweep, until ctx ends.
func sessionCleanup(store *db.Store, log *slog.Logger, now func() time.Time) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		t := time.NewTicker(sessionSweep)
		defer t.Stop()
		for {
			sweepSessions(ctx, store, log, now())
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
			}
		}
	}
}

func sweepSessions(ctx context.Context, store *db.Store, log *slog.Logger, now time.Time) {
	n, err := store.DeleteExpiredSessions(ctx, now.UTC(), sessionIdle)
	if err != nil {
		if ctx.Err() == nil {
			log.ErrorContext(ctx, "session cleanup failed", "err", err)
		}
		return
	}
	if n > 0 {
		log.InfoContext(ctx, "session cleanup", "deleted", n)
	}
}
