package web

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"

	"github.com/bastide47/bastide/db"
)

// An occurrence of a series published on the fediverse as an Event of its
// own has its own id; a person following that link lands on the series'
// page (and the .ics on the series' .ics).
func TestOccurrenceRedirectsToSeries(t *testing.T) {
	f := newFixture(t)
	series := f.uuids["rando-mardi"]
	const occ = "0b8a7c1e-5d4f-5a21-9c3b-7e6f5d4c3b2a"
	err := f.s.Tx(context.Background(), func(tx *sql.Tx) error {
		return db.PutPublishedTx(context.Background(), tx, &db.PublishedObject{ObjectUUID: occ, EventUUID: series,
			RecurrenceID: "2026-12-08T17:00:00Z", State: "live"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/events/" + occ:          "/events/" + series,
		"/events/" + occ + ".ics": "/events/" + series + ".ics",
	} {
		r := f.get(path)
		if r.code != http.StatusFound || r.hdr.Get("Location") != want {
			t.Fatalf("%s: %d to %q, want 302 to %q", path, r.code, r.hdr.Get("Location"), want)
		}
	}
	// The series itself is served, not redirected.
	if r := f.get("/events/" + series); r.code != http.StatusOK {
		t.Fatalf("series page: %d", r.code)
	}
}

// A series' page lists its next dates as they are: a moved date with its
// own title and place, a private date not at all, and the page leads with
// the next date's own title and place when it is a moved one.
func TestEventPageShowsDatesAsTheyAre(t *testing.T) {
	f := newFixture(t)
	e := f.putICS(f.cals["rando-villeneuve"], `BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//FR
BEGIN:VEVENT
UID:atelier
DTSTAMP:20260301T000000Z
DTSTART;TZID=Europe/Paris:20260407T180000
DTEND;TZID=Europe/Paris:20260407T200000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Atelier cartes
LOCATION:Villeneuve-sur-Lot
END:VEVENT
BEGIN:VEVENT
UID:atelier
DTSTAMP:20260301T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260407T180000
DTSTART;TZID=Europe/Paris:20260407T190000
DTEND;TZID=Europe/Paris:20260407T210000
SUMMARY:Atelier cartes au refuge
LOCATION:Refuge du Pech, Penne-d'Agenais
END:VEVENT
BEGIN:VEVENT
UID:atelier
DTSTAMP:20260301T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20260414T180000
DTSTART;TZID=Europe/Paris:20260414T180000
DTEND;TZID=Europe/Paris:20260414T200000
CLASS:CONFIDENTIAL
SUMMARY:Conseil chez Odile
END:VEVENT
END:VCALENDAR`, nil)
	r := f.get("/events/" + e.UUID)
	if r.code != http.StatusOK {
		t.Fatalf("page: %d", r.code)
	}
	for _, want := range []string{"Atelier cartes au refuge — Refuge du Pech, Penne-d&#39;Agenais", `"name":"Atelier cartes au refuge"`,
		`datetime="2026-04-21T18:00:00`, `datetime="2026-04-28T18:00:00`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"Odile", `datetime="2026-04-14T18:00:00`} {
		if strings.Contains(r.body, bad) {
			t.Errorf("the page shows the private date: %q", bad)
		}
	}
}
