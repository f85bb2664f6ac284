package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/ical"
)

// TestDemoEventsKeepTheirCommune: every demo event, and each of its
// occurrences, is under its commune; written back unchanged in place by a
// calendar app (the iCalendar text alone, as CalDAV stores it), each
// keeps its commune and place.
func TestDemoEventsKeepTheirCommune(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	now := time.Now()
	if err := seedDemo(ctx, store, slog.New(slog.DiscardHandler), now); err != nil {
		t.Fatal(err)
	}
	var missing, occMissing int
	store.Reader().QueryRow("SELECT count(*) FROM events WHERE commune_insee = ''").Scan(&missing)
	store.Reader().QueryRow(`SELECT count(*) FROM event_instances i JOIN events e ON e.id = i.event_id
		WHERE i.commune_insee <> e.commune_insee AND i.location = ''`).Scan(&occMissing)
	if missing != 0 || occMissing != 0 {
		t.Fatalf("%d demo events and %d of their occurrences have no commune", missing, occMissing)
	}
	cals, err := store.ListCalendars(ctx, db.CalendarFilter{})
	if err != nil {
		t.Fatal(err)
	}
	edited := 0
	for _, cal := range cals {
		evs, err := store.ListEvents(ctx, cal.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, stored := range evs {
			if edited == 20 {
				break
			}
			// What a calendar app sends back: the text, one line changed.
			obj, err := ical.ParseObject([]byte(stored.Data), ical.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			obj.Master.Props.SetText("SUMMARY", stored.Summary+" (modifié)")
			obj.Data = nil
			e, err := obj.Event(now, ical.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			e.CalendarID, e.Href = cal.ID, stored.Href
			if _, err := store.PutEvent(ctx, db.Put{Event: e, IfMatch: stored.ETag}); err != nil {
				t.Fatal(err)
			}
			got, err := store.GetEventByUUID(ctx, stored.UUID)
			if err != nil {
				t.Fatal(err)
			}
			if got.CommuneINSEE != stored.CommuneINSEE || got.PlaceID != stored.PlaceID || got.Summary == stored.Summary {
				t.Fatalf("%q after an edit: commune %q place %d, was %q and %d", got.Summary, got.CommuneINSEE, got.PlaceID,
					stored.CommuneINSEE, stored.PlaceID)
			}
			edited++
		}
	}
	if edited == 0 {
		t.Fatal("no demo event was edited")
	}
}
