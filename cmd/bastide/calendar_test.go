package main

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

func TestCalendarListAndSet(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "", "association", "add", "foyer-fumel", "--name", "Foyer rural de Fumel", "--commune", "Fumel").must(t, 0)
	cli(t, data, "", "calendar", "list", "foyer-fumel").must(t, 0, "agenda", "public")
	// Refusals change nothing.
	before := state(t, data)
	cli(t, data, "", "calendar", "set", "foyer-fumel", "agenda").must(t, 2, "--public yes|no")
	cli(t, data, "", "calendar", "set", "foyer-fumel", "agenda", "--public", "maybe").must(t, 2, `not "maybe"`)
	cli(t, data, "", "calendar", "set", "foyer-fumel", "nope", "--public", "no").must(t, 1, `no calendar "nope"`)
	cli(t, data, "", "calendar", "set", "nowhere", "agenda", "--public", "no").must(t, 1, `no association "nowhere"`)
	cli(t, data, "", "calendar", "set", "foyer-fumel", "agenda", "--color", "rouge").must(t, 1, "color")
	if after := state(t, data); after != before {
		t.Fatalf("a refused command changed the database:\n%s\n%s", before, after)
	}
	// An event on the calendar, then the calendar goes private: the event
	// is logged as changed, so that the publisher withdraws it.
	store := openStore(t, data)
	a, err := store.GetAssociationBySlug(context.Background(), "foyer-fumel")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := store.GetAssociationCalendar(context.Background(), a.ID, "agenda")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.PutEvent(context.Background(), db.Put{Event: dbtest.Event(cal.ID, "bal", time.Now().Add(48*time.Hour), "Bal")}); err != nil {
		t.Fatal(err)
	}
	seq, _ := store.LastSeq(context.Background())
	store.Close()
	cli(t, data, "", "calendar", "set", "foyer-fumel", "agenda", "--public", "no", "--name", "Bureau").must(t, 0, "is private")
	cli(t, data, "", "calendar", "list", "foyer-fumel").must(t, 0, "Bureau", "private")
	store = openStore(t, data)
	defer store.Close()
	ch, err := store.ChangesAfter(context.Background(), seq, 0)
	if err != nil || len(ch) != 1 || ch[0].Href != "bal.ics" {
		t.Fatalf("changes after going private: %+v %v", ch, err)
	}
}
