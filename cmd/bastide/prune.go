package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/bastide47/bastide/db"
)

// defaultSyncHorizon is how long the change log keeps a change when
// --sync-horizon is not given: a calendar app that has not synced for
// longer syncs again from scratch, once.
const defaultSyncHorizon = 90 * 24 * time.Hour

// minSyncHorizon keeps apps that sync daily, or are off for a weekend,
// from having to sync from scratch.
const minSyncHorizon = 7 * 24 * time.Hour

// pruneEvery is how often serve prunes the change log.
const pruneEvery = time.Hour

// horizonFlag is a duration flag that also reads days ("90d"); zero stands
// for the default.
type horizonFlag struct{ d *time.Duration }

func (f horizonFlag) String() string {
	if f.d == nil || *f.d == 0 {
		return ""
	}
	if *f.d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(*f.d/(24*time.Hour)), 10) + "d"
	}
	return f.d.String()
}

// Get makes horizonFlag a flag.Getter, like the standard library's flags.
func (f horizonFlag) Get() any { return *f.d }

func (f horizonFlag) Set(s string) error {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 100*365 {
			return fmt.Errorf("%q is not a number of days like 90d", s)
		}
		*f.d = time.Duration(days) * 24 * time.Hour
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is neither days like 90d nor a duration like 2160h", s)
	}
	*f.d = d
	return nil
}

// syncHorizon is the horizon serve prunes the change log behind.
func (c *Config) syncHorizon() time.Duration {
	if c.SyncHorizon == 0 {
		return defaultSyncHorizon
	}
	return c.SyncHorizon
}

// pruneChanges is serve's worker that prunes the change log behind the
// horizon, and the images nothing shows, at start, then every pruneEvery,
// until ctx ends.
func pruneChanges(store *db.Store, log *slog.Logger, horizon time.Duration) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		tick := time.NewTicker(pruneEvery)
		defer tick.Stop()
		for {
			n, err := store.PruneChanges(ctx, time.Now().Add(-horizon))
			switch {
			case err != nil && ctx.Err() == nil:
				log.ErrorContext(ctx, "prune the change log", "err", err)
			case n > 0:
				log.InfoContext(ctx, "change log pruned", "rows", n, "horizon", horizon.String())
			}
			// Images nothing shows any more (those a replacement left
			// behind are deleted with it; this catches the rest).
			if n, err := store.PruneImages(ctx); err != nil && ctx.Err() == nil {
				log.ErrorContext(ctx, "prune images", "err", err)
			} else if n > 0 {
				log.InfoContext(ctx, "images pruned", "images", n)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
			}
		}
	}
}
