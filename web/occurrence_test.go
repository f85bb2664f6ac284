package web

import (
	"context"
	"database/sql"
	"net/http"
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
