package caldav

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// TestPutKeepsAndDerivesCommune: an event written by a calendar app gets
// the commune its LOCATION names, and an app's edit of an event that an
// import or the demo placed (place and commune set, LOCATION unchanged)
// keeps them, so it stays under the town filter.
func TestPutKeepsAndDerivesCommune(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	withLocation := func(uid, summary, location string) string {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
			"\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20261212T140000Z\r\nDTEND:20261212T170000Z\r\nSUMMARY:" + summary +
			"\r\nLOCATION:" + location + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	e.put("alice", amisMain+"new.ics", withLocation("new", "Bourse aux jouets", "Salle Brassens\\, 47200 Marmande"), "If-None-Match", "*").
		must(t, 201, "create")
	got, err := e.store.GetEventByHref(ctx, e.amisCal.ID, "new.ics")
	if err != nil {
		t.Fatal(err)
	}
	if got.CommuneINSEE != "47157" {
		t.Fatalf("an event created over CalDAV: commune %q, want Marmande 47157", got.CommuneINSEE)
	}

	// The demo's way: a place of the registry, its commune set.
	p := &model.Place{Name: "Salle Jasmin", Locality: "Le Passage", CommuneINSEE: "47201"}
	if err := e.store.EnsurePlace(ctx, p); err != nil {
		t.Fatal(err)
	}
	ev := &model.Event{CalendarID: e.amisCal.ID, Href: "loto.ics", UID: "loto", Component: "VEVENT",
		Data: withLocation("loto", "Loto", "Salle Jasmin"), Summary: "Loto", Location: "Salle Jasmin",
		Start: time.Date(2026, 12, 12, 14, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 12, 17, 0, 0, 0, time.UTC),
		PlaceID: p.ID, CommuneINSEE: "47201"}
	ev.Instances = []model.Instance{{Start: ev.Start, End: ev.End}}
	if _, err := e.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	e.put("alice", amisMain+"loto.ics", withLocation("loto", "Super loto", "Salle Jasmin"), "If-Match", ev.ETag).must(t, 204, "edit")
	got, err = e.store.GetEventByHref(ctx, e.amisCal.ID, "loto.ics")
	if err != nil {
		t.Fatal(err)
	}
	if got.Summary != "Super loto" || got.CommuneINSEE != "47201" || got.PlaceID != p.ID {
		t.Fatalf("after a calendar app's edit: %q commune %q place %d, want commune 47201 and place %d", got.Summary, got.CommuneINSEE, got.PlaceID, p.ID)
	}
}
