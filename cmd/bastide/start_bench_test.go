package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dataset"
)

// BenchmarkStart opens a store filled with a data set as serve does at
// start: migrations checked, public flags' triggers written, and the
// backfills, which must find nothing to read again (issue #15). Compare
// with BenchmarkStartBackfill, the same start once an upgrade asks for a
// backfill: the ratio is what a start on a new data directory used to
// cost. go test -run '^$' -bench 'BenchmarkStart' -benchtime 5x ./cmd/bastide/
func BenchmarkStart(b *testing.B) { benchStart(b, false) }

// BenchmarkStartBackfill is BenchmarkStart with the shown fields' backfill
// pending at each start.
func BenchmarkStartBackfill(b *testing.B) { benchStart(b, true) }

func benchStart(b *testing.B, pending bool) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bastide.db")
	s, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	_, err = dataset.Build(ctx, s, dataset.Options{Events: 2000, Associations: 20, Seed: 47})
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	b.ResetTimer()
	for b.Loop() {
		s, err := db.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if pending {
			b.StopTimer()
			if err := s.SetMeta(ctx, db.MetaShownFieldsRefresh, "0"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		read, err := backfillRead(ctx, s)
		if err != nil {
			b.Fatal(err)
		}
		if (read > 0) != pending {
			b.Fatalf("the start read %d events again", read)
		}
		s.Close()
	}
}
