package dataset_test

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dataset"
	"github.com/bastide47/bastide/db/dbtest"
)

// A small set holds what its summary says: every event stored, series
// expanded with their cancelled occurrence kept, and the summary's
// communes, categories and words each found by the agenda's filters.
func TestBuild(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	sum, err := dataset.Build(ctx, s, dataset.Options{Events: 400, Associations: 20, Seed: 7, SeriesShare: 0.1, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Associations) != 20 || sum.Events != 400 || sum.Series != 40 {
		t.Fatalf("summary %d associations, %d events, %d series", len(sum.Associations), sum.Events, sum.Series)
	}
	q := db.InstanceQuery{From: sum.Start, To: sum.End.AddDate(0, 3, 0), Public: true, IncludeCancelled: true, Limit: db.MaxInstancePage}
	rows, err := s.ListInstances(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	// 360 single events + 40 series of 10 (one moved, one cancelled).
	if len(rows) != 360+40*10 {
		t.Fatalf("%d occurrences, want %d", len(rows), 360+400)
	}
	for name, f := range map[string]func(*db.InstanceQuery){
		"commune":  func(q *db.InstanceQuery) { q.Communes = sum.Communes[:1] },
		"category": func(q *db.InstanceQuery) { q.Categories = sum.Categories[:1] },
		"word":     func(q *db.InstanceQuery) { q.Text = sum.Words[0] },
		"rare":     func(q *db.InstanceQuery) { q.Text = sum.Rare },
	} {
		q := q
		f(&q)
		rows, err := s.ListInstances(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			t.Errorf("%s: nothing found", name)
		}
	}
	// The same options give the same data.
	s2 := dbtest.New(t)
	sum2, err := dataset.Build(ctx, s2, dataset.Options{Events: 400, Associations: 20, Seed: 7, SeriesShare: 0.1, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum2.Communes) != len(sum.Communes) {
		t.Fatalf("communes differ between two builds: %d, %d", len(sum2.Communes), len(sum.Communes))
	}
}
