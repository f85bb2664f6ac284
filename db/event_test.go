package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

func TestPutEventLogsChange(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "amis-du-pruneau")
	start := time.Date(2026, 12, 5, 14, 0, 0, 0, time.UTC)
	ev := dbtest.Event(cal.ID, "e1", start, "Fête du pruneau")
	res, err := s.PutEvent(ctx, db.Put{Event: ev, IfNoneMatch: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.Seq == 0 || ev.UUID == "" || ev.ETag == "" {
		t.Fatalf("unexpected result %+v, event %+v", res, ev)
	}
	got, err := s.GetEventByHref(ctx, cal.ID, "e1.ics")
	if err != nil {
		t.Fatal(err)
	}
	if got.Data != ev.Data || got.ETag != ev.ETag || !got.Start.Equal(start) {
		t.Fatalf("stored event differs: %+v", got)
	}
	c, err := s.GetCalendar(ctx, cal.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Seq != res.Seq {
		t.Fatalf("calendar seq %d, want %d", c.Seq, res.Seq)
	}
	// If-None-Match on an existing href fails and changes nothing.
	ev2 := dbtest.Event(cal.ID, "e1", start.Add(time.Hour), "Autre")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev2, IfNoneMatch: true}); !errors.Is(err, db.ErrPrecondition) {
		t.Fatalf("want ErrPrecondition, got %v", err)
	}
	// Stale If-Match fails.
	ev3 := dbtest.Event(cal.ID, "e1", start.Add(time.Hour), "Autre")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev3, IfMatch: `"stale"`}); !errors.Is(err, db.ErrPrecondition) {
		t.Fatalf("want ErrPrecondition, got %v", err)
	}
	// The right If-Match updates, keeps the UUID and logs a second change.
	ev4 := dbtest.Event(cal.ID, "e1", start.Add(time.Hour), "Fête du pruneau (déplacée)")
	res4, err := s.PutEvent(ctx, db.Put{Event: ev4, IfMatch: ev.ETag})
	if err != nil {
		t.Fatal(err)
	}
	if res4.Created || ev4.UUID != ev.UUID || res4.Seq <= res.Seq {
		t.Fatalf("update: %+v uuid %s", res4, ev4.UUID)
	}
	// Same UID at another href is a conflict naming the first href.
	dup := dbtest.Event(cal.ID, "e1", start, "x")
	dup.Href = "other.ics"
	_, err = s.PutEvent(ctx, db.Put{Event: dup})
	var uc *db.UIDConflictError
	if !errors.As(err, &uc) || uc.Href != "e1.ics" || !errors.Is(err, db.ErrConflict) {
		t.Fatalf("want UID conflict on e1.ics, got %v", err)
	}
	// Delete with a stale ETag fails; with the right one it logs a delete.
	if _, err := s.DeleteEvent(ctx, cal.ID, "e1.ics", `"nope"`); !errors.Is(err, db.ErrPrecondition) {
		t.Fatalf("want ErrPrecondition, got %v", err)
	}
	seq, err := s.DeleteEvent(ctx, cal.ID, "e1.ics", ev4.ETag)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.CalendarChanges(ctx, cal.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch) != 3 || ch[2].Kind != model.ChangeDelete || ch[2].Seq != seq || ch[2].UUID != ev.UUID {
		t.Fatalf("changes: %+v", ch)
	}
	if _, err := s.GetEventByHref(ctx, cal.ID, "e1.ics"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("want ErrNotFound after delete, got %v", err)
	}
	ts, err := s.GetTombstone(ctx, ev.UUID)
	if err != nil || !ts.Public {
		t.Fatalf("tombstone: %+v %v", ts, err)
	}
}

func TestListInstancesFilters(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "a")
	_, cal2 := dbtest.Association(t, s, "b")
	base := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	e1 := dbtest.Event(cal.ID, "x1", base, "Fête de la musique")
	e1.Categories = []string{"MUSIC"}
	e1.CommuneINSEE = "47001"
	e2 := dbtest.Event(cal2.ID, "x2", base.Add(24*time.Hour), "Marché bio")
	e2.CommuneINSEE = "47323"
	e3 := dbtest.Event(cal.ID, "x3", base.Add(60*24*time.Hour), "Loto")
	for _, e := range []*model.Event{e1, e2, e3} {
		if _, err := s.PutEvent(ctx, db.Put{Event: e}); err != nil {
			t.Fatal(err)
		}
	}
	q := db.InstanceQuery{From: base.Add(-time.Hour), To: base.Add(30 * 24 * time.Hour), Public: true}
	rows, err := s.ListInstances(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Event.UID != "x1" || rows[1].AssociationSlug != "b" {
		t.Fatalf("rows: %+v", rows)
	}
	q.Text = "fete"
	rows, _ = s.ListInstances(ctx, q)
	if len(rows) != 1 || rows[0].Event.UID != "x1" {
		t.Fatalf("text search for fete: %+v", rows)
	}
	q.Text = ""
	q.Communes = []string{"47323"}
	rows, _ = s.ListInstances(ctx, q)
	if len(rows) != 1 || rows[0].Event.UID != "x2" {
		t.Fatalf("commune filter: %+v", rows)
	}
	q.Communes = nil
	q.Categories = []string{"music"}
	rows, _ = s.ListInstances(ctx, q)
	if len(rows) != 1 || rows[0].Event.UID != "x1" {
		t.Fatalf("category filter: %+v", rows)
	}
	// Overlap: a range that starts in the middle of the event finds it.
	rows, _ = s.ListInstances(ctx, db.InstanceQuery{From: base.Add(30 * time.Minute), To: base.Add(40 * time.Minute)})
	if len(rows) != 1 {
		t.Fatalf("overlap: %+v", rows)
	}
	// Paging with a cursor.
	all := db.InstanceQuery{From: base.Add(-time.Hour), To: base.Add(90 * 24 * time.Hour), Limit: 2}
	p1, _ := s.ListInstances(ctx, all)
	all.After = &db.InstanceCursor{Start: p1[1].Instance.Start, EventID: p1[1].Instance.EventID}
	p2, _ := s.ListInstances(ctx, all)
	if len(p1) != 2 || len(p2) != 1 || p2[0].Event.UID != "x3" {
		t.Fatalf("paging: %d %d", len(p1), len(p2))
	}
}

func TestBackupWhileOpen(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "a")
	if _, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "b1", time.Now(), "x")}); err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir() + "/copy.db"
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	c, err := db.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.GetEventByHref(ctx, cal.ID, "b1.ics"); err != nil {
		t.Fatalf("backup lacks the event: %v", err)
	}
	if err := s.Backup(ctx, dest); err == nil {
		t.Fatal("backup over an existing file must fail")
	}
}
