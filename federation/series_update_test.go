package federation

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/ical"
)

// TestSeriesEditUpdatesChangedOccurrencesOnly: moving one occurrence of a
// series (a RECURRENCE-ID override) sends one Update, for that occurrence
// (and the relay's Announce of it); the others, unchanged but for the
// series' modification time, get none.
func TestSeriesEditUpdatesChangedOccurrencesOnly(t *testing.T) {
	ctx := context.Background()
	f, s, _, cal := goldenFixture(t)
	const uuid = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"
	series := "BEGIN:VEVENT\r\nUID:atelier-velo\r\nDTSTAMP:20260501T000000Z\r\n" +
		"DTSTART;TZID=Europe/Paris:20260603T180000\r\nDTEND;TZID=Europe/Paris:20260603T200000\r\nRRULE:FREQ=WEEKLY;COUNT=12\r\n" +
		"SUMMARY:Atelier vélo\r\nLOCATION:Agen\r\nEND:VEVENT\r\n"
	put := func(extra string) {
		t.Helper()
		data := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\n" + series + extra + "END:VCALENDAR\r\n"
		obj, err := ical.ParseObject([]byte(data), ical.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := obj.Event(goldenClock, ical.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		ev.CalendarID, ev.Href, ev.UUID = cal.ID, "atelier-velo.ics", uuid
		if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.publishPending(ctx); err != nil {
			t.Fatal(err)
		}
	}
	put("")
	acts, _, last := queued(t, s, 0)
	if c := countTypes(acts); c["Create"] != 5 {
		t.Fatalf("first publication: %v", c)
	}
	// The store stamps the event's modification time in seconds: let the
	// next write get a later one, as a real edit would.
	for start := time.Now().Truncate(time.Second); time.Now().Truncate(time.Second).Equal(start); {
		time.Sleep(20 * time.Millisecond)
	}
	put("BEGIN:VEVENT\r\nUID:atelier-velo\r\nDTSTAMP:20260501T000000Z\r\nRECURRENCE-ID;TZID=Europe/Paris:20260617T180000\r\n" +
		"DTSTART;TZID=Europe/Paris:20260617T190000\r\nDTEND;TZID=Europe/Paris:20260617T210000\r\n" +
		"SUMMARY:Atelier vélo\r\nLOCATION:Agen\r\nEND:VEVENT\r\n")
	acts, _, _ = queued(t, s, last)
	paris, _ := time.LoadLocation("Europe/Paris")
	moved := f.URIs().EventID(OccurrenceUUID(uuid, time.Date(2026, 6, 17, 18, 0, 0, 0, paris)))
	// One Update, and the relay's Announce of it (Mobilizon's listing
	// follows the Announces), both of the moved occurrence.
	if len(acts) != 2 || acts[0]["type"] != "Update" || acts[1]["type"] != "Announce" || mustID(acts[1]["object"]) != moved {
		var got []string
		for _, a := range acts {
			got = append(got, a["type"].(string)+" "+mustID(a["object"]))
		}
		t.Fatalf("after moving one occurrence: %v, want one Update of %s and its Announce", got, moved)
	}
	o := acts[0]["object"].(map[string]any)
	if o["id"] != moved || o["startTime"] != "2026-06-17T19:00:00+02:00" {
		t.Errorf("Update of %v starting %v, want %s at 19:00", o["id"], o["startTime"], moved)
	}
}

func mustID(v any) string {
	if m, ok := v.(map[string]any); ok {
		id, _ := m["id"].(string)
		return id
	}
	s, _ := v.(string)
	return s
}
