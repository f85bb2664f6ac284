package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/ical"
)

// TestRefreshOccurrences: overrides stored before occurrences kept their
// own fields (as the migration leaves them) are expanded again at start:
// the moved date shows its own title, the private one leaves the public
// agenda, and the task is then forgotten.
func TestRefreshOccurrences(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	_, cal := dbtest.Association(t, store, "chorale")
	now := time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	text := strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:x
BEGIN:VEVENT
UID:rep
DTSTAMP:20270101T000000Z
DTSTART:20270105T170000Z
DTEND:20270105T190000Z
RRULE:FREQ=WEEKLY;COUNT=3
SUMMARY:Répétition
LOCATION:Nérac
END:VEVENT
BEGIN:VEVENT
UID:rep
DTSTAMP:20270101T000000Z
RECURRENCE-ID:20270112T170000Z
DTSTART:20270112T170000Z
DTEND:20270112T190000Z
SUMMARY:Concert à Tonneins
LOCATION:Tonneins
END:VEVENT
BEGIN:VEVENT
UID:rep
DTSTAMP:20270101T000000Z
RECURRENCE-ID:20270119T170000Z
DTSTART:20270119T170000Z
DTEND:20270119T190000Z
SUMMARY:Bureau chez Paul
CLASS:PRIVATE
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	obj, err := ical.ParseObject([]byte(text), ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e, err := obj.Event(now, ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	e.CalendarID, e.Href = cal.ID, "rep.ics"
	if _, err := store.PutEvent(ctx, db.Put{Event: e}); err != nil {
		t.Fatal(err)
	}
	// What a store written before migration 0007 holds.
	if _, err := store.Writer().Exec(`UPDATE event_instances SET summary = '', description = '', location = '', class = ''`); err != nil {
		t.Fatal(err)
	}
	if err := store.SetMeta(ctx, db.MetaOccurrenceRefresh, "0"); err != nil {
		t.Fatal(err)
	}
	titles := func() []string {
		rows, err := store.ListInstances(ctx, db.InstanceQuery{From: now, To: now.AddDate(0, 1, 0), Public: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.Event.Summary)
		}
		return out
	}
	if got := strings.Join(titles(), "|"); got != "Répétition|Répétition|Répétition" {
		t.Fatalf("before: %q", got)
	}
	if err := refreshOccurrences(ctx, store, slog.New(slog.DiscardHandler), now); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(titles(), "|"); got != "Répétition|Concert à Tonneins" {
		t.Fatalf("after: %q", got)
	}
	if _, err := store.GetMeta(ctx, db.MetaOccurrenceRefresh); err == nil {
		t.Fatal("the task is still pending")
	}
}
