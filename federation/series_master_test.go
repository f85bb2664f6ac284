package federation

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// TestSeriesMasterNotAnEvent: a recurring series is on the fediverse as
// its occurrences only. Its own URL (the page every occurrence gives as
// url) does not answer a standalone Event that Mobilizon would import as
// one more event beside the occurrences.
func TestSeriesMasterNotAnEvent(t *testing.T) {
	ctx := context.Background()
	f, s, _, cal := goldenFixture(t)
	const uuid = "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d"
	if _, err := s.PutEvent(ctx, db.Put{Event: seriesEvent(t, cal.ID, uuid, goldenClock, "")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.publishPending(ctx); err != nil {
		t.Fatal(err)
	}
	acts, _, _ := queued(t, s, 0)
	var occurrences []string
	for _, a := range acts {
		if a["type"] != "Create" {
			continue
		}
		o := a["object"].(map[string]any)
		if o["id"] == f.URIs().EventID(uuid) {
			t.Fatalf("the series itself was published as an Event")
		}
		occurrences = append(occurrences, o["id"].(string))
	}
	if len(occurrences) == 0 {
		t.Fatal("no occurrence published")
	}
	rec := serve(f, "GET", "/events/"+uuid, "application/activity+json")
	if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), `"Event"`) {
		t.Errorf("the series' own URL: %d %s, want 404 without an Event", rec.Code, rec.Body)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	first := OccurrenceUUID(uuid, time.Date(2026, 6, 3, 18, 0, 0, 0, paris))
	if occurrences[0] != f.URIs().EventID(first) {
		t.Fatalf("first occurrence %s, want %s", occurrences[0], f.URIs().EventID(first))
	}
	if rec := serve(f, "GET", "/events/"+first, "application/activity+json"); rec.Code != http.StatusOK {
		t.Errorf("an occurrence: %d, want 200", rec.Code)
	}
}
