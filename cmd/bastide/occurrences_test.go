package main

import (
	"context"
	"fmt"
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
	if _, err := refreshOccurrences(ctx, store, slog.New(slog.DiscardHandler), now); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(titles(), "|"); got != "Répétition|Concert à Tonneins" {
		t.Fatalf("after: %q", got)
	}
	if _, err := store.GetMeta(ctx, db.MetaOccurrenceRefresh); err == nil {
		t.Fatal("the task is still pending")
	}
}

// TestRefreshShownFields: events stored before the store kept their
// price, accessibility, online link and poster (as migration shown_fields leaves
// them) have them read from their text at start, and the task is then
// forgotten.
func TestRefreshShownFields(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	_, cal := dbtest.Association(t, store, "foyer")
	text := strings.ReplaceAll(`BEGIN:VCALENDAR
VERSION:2.0
PRODID:x
BEGIN:VEVENT
UID:loto
DTSTAMP:20270101T000000Z
DTSTART:20270105T170000Z
DTEND:20270105T190000Z
SUMMARY:Loto
X-BASTIDE-PRICE:5 €\, gratuit pour les enfants
X-BASTIDE-ACCESSIBILITY:Accessible en fauteuil
X-BASTIDE-ACCESSIBILITY:Boucle magnétique
X-BASTIDE-ONLINE-URL:https://visio.example.org/loto
IMAGE;VALUE=URI;DISPLAY=FULLSIZE;FMTTYPE=image/jpeg:https://agenda.example.org/images/loto.jpg
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	e, err := ical.CalendarEvent(ctx, []byte(text), cal, "loto.ics", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), ical.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.PutEvent(ctx, db.Put{Event: e}); err != nil {
		t.Fatal(err)
	}
	// What a store written before migration shown_fields holds.
	if _, err := store.Writer().Exec(`UPDATE events SET price = '', access = '', online_url = '', image_url = '', image_type = ''`); err != nil {
		t.Fatal(err)
	}
	if err := store.SetMeta(ctx, db.MetaShownFieldsRefresh, "0"); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.GetEvent(ctx, e.ID); got.Price != "" {
		t.Fatalf("before: price %q", got.Price)
	}
	if read, err := refreshShownFields(ctx, store, slog.New(slog.DiscardHandler)); err != nil || read != 1 {
		t.Fatalf("read %d events, %v", read, err)
	}
	got, err := store.GetEvent(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Price != "5 €, gratuit pour les enfants" || strings.Join(got.Access, "|") != "Accessible en fauteuil|Boucle magnétique" ||
		got.Online != "https://visio.example.org/loto" || got.ImageURL != "https://agenda.example.org/images/loto.jpg" || got.ImageType != "image/jpeg" {
		t.Fatalf("after: %q %q %q %q %q", got.Price, got.Access, got.Online, got.ImageURL, got.ImageType)
	}
	if _, err := store.GetMeta(ctx, db.MetaShownFieldsRefresh); err == nil {
		t.Fatal("the task is still pending")
	}
	// The next start reads nothing again.
	if read, err := backfillRead(ctx, store); err != nil || read != 0 {
		t.Fatalf("second start: read %d events again, %v", read, err)
	}
}

// backfillRead runs what serve runs at start and counts the events read.
func backfillRead(ctx context.Context, store *db.Store) (int, error) {
	log := slog.New(slog.DiscardHandler)
	a, err := refreshOccurrences(ctx, store, log, time.Now())
	if err != nil {
		return a, err
	}
	b, err := refreshShownFields(ctx, store, log)
	return a + b, err
}

// A new data directory, filled by an import, asks for no backfill: the
// first start must not read every event again (issue #15: 40 s before
// /healthz answered at 100 000 events).
func TestFirstStartReadsNothingAgain(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	_, cal := dbtest.Association(t, store, "foyer")
	for i := range 3 {
		text := strings.ReplaceAll(fmt.Sprintf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:e%d\nDTSTAMP:20270101T000000Z\nDTSTART:20270105T170000Z\nDTEND:20270105T190000Z\nSUMMARY:Loto %d\nX-BASTIDE-PRICE:5 €\nEND:VEVENT\nEND:VCALENDAR\n", i, i), "\n", "\r\n")
		e, err := ical.CalendarEvent(ctx, []byte(text), cal, fmt.Sprintf("e%d.ics", i), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), ical.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.PutEvent(ctx, db.Put{Event: e}); err != nil {
			t.Fatal(err)
		}
	}
	for start := 1; start <= 2; start++ {
		if read, err := backfillRead(ctx, store); err != nil || read != 0 {
			t.Fatalf("start %d: read %d events again, %v", start, read, err)
		}
	}
}
