package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dataset"
)

// setMeta describes a built data set, stored beside it.
type setMeta struct {
	Events       int
	Associations int
	Seed         uint64
	Built        time.Time
	Summary      *dataset.Summary
}

// maxSetAge is how long a data set is reused: its events start around the
// day it was built, and the agenda shows what is upcoming.
const maxSetAge = 7 * 24 * time.Hour

// ensureData returns the data directory of the set cfg asks for (a
// `bastide serve --data` directory), building it when it is missing, older
// than maxSetAge, or when cfg.rebuild.
func ensureData(ctx context.Context, cfg config, out io.Writer) (string, *setMeta, error) {
	dir := filepath.Join(cfg.data, fmt.Sprintf("set-%d-%d-%d", cfg.events, cfg.associations, cfg.seed))
	metaPath := filepath.Join(dir, "dataset.json")
	if !cfg.rebuild {
		if b, err := os.ReadFile(metaPath); err == nil {
			var m setMeta
			if json.Unmarshal(b, &m) == nil && time.Since(m.Built) < maxSetAge {
				fmt.Fprintf(out, "data set: %s (built %s)\n", dir, m.Built.Format(time.DateTime))
				return dir, &m, nil
			}
		}
	}
	if err := os.MkdirAll(cfg.data, 0o755); err != nil {
		return "", nil, err
	}
	// Built aside, then put in place: an interrupted build leaves no
	// half set to be reused.
	tmp, err := os.MkdirTemp(cfg.data, "building-")
	if err != nil {
		return "", nil, err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(out, "data set: building %d events in %d associations (seed %d)…\n", cfg.events, cfg.associations, cfg.seed)
	store, err := db.Open(ctx, filepath.Join(tmp, "bastide.db"))
	if err != nil {
		return "", nil, err
	}
	now := time.Now()
	// The year covered starts a month ago: the agenda shows what is
	// upcoming, and the feeds reach 30 days back.
	start := time.Date(now.Year(), now.Month(), now.Day()-30, 0, 0, 0, 0, time.UTC)
	sum, err := dataset.Build(ctx, store, dataset.Options{Events: cfg.events, Associations: cfg.associations, Seed: cfg.seed, Start: start})
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", nil, fmt.Errorf("build data set: %w", err)
	}
	m := &setMeta{Events: cfg.events, Associations: cfg.associations, Seed: cfg.seed, Built: now, Summary: sum}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, "dataset.json"), b, 0o644); err != nil {
		return "", nil, err
	}
	if err := os.RemoveAll(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", nil, err
	}
	fmt.Fprintf(out, "data set: built in %s into %s\n", time.Since(now).Round(time.Millisecond), dir)
	return dir, m, nil
}
