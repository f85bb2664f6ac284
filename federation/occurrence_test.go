package federation

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
	"github.com/bastide47/bastide/ical"
)

// seriesWithOverrides is a weekly series in Agen whose 10 June date moved
// to Tonneins under another title, and whose 17 June date is overridden
// with the given CLASS ("" for none).
func seriesWithOverrides(t *testing.T, calID int64, uuid string, now time.Time, class17 string) *model.Event {
	t.Helper()
	cls := ""
	if class17 != "" {
		cls = "CLASS:" + class17 + "\r\n"
	}
	data := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\n" +
		"BEGIN:VEVENT\r\nUID:atelier-velo\r\nDTSTAMP:20260501T000000Z\r\n" +
		"DTSTART;TZID=Europe/Paris:20260603T180000\r\nDTEND;TZID=Europe/Paris:20260603T200000\r\nRRULE:FREQ=WEEKLY;COUNT=12\r\n" +
		"SUMMARY:Atelier vélo\r\nLOCATION:Agen\r\nDESCRIPTION:On répare ensemble.\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:atelier-velo\r\nDTSTAMP:20260501T000000Z\r\nRECURRENCE-ID;TZID=Europe/Paris:20260610T180000\r\n" +
		"DTSTART;TZID=Europe/Paris:20260610T190000\r\nDTEND;TZID=Europe/Paris:20260610T210000\r\n" +
		"SUMMARY:Atelier vélo hors les murs\r\nLOCATION:Halle du marché\\, Tonneins\r\nDESCRIPTION:Cette fois au marché.\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nUID:atelier-velo\r\nDTSTAMP:20260501T000000Z\r\nRECURRENCE-ID;TZID=Europe/Paris:20260617T180000\r\n" +
		"DTSTART;TZID=Europe/Paris:20260617T180000\r\nDTEND;TZID=Europe/Paris:20260617T200000\r\n" + cls +
		"SUMMARY:Réunion du bureau chez Paul\r\nLOCATION:12 rue des Lilas\\, Agen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	obj, err := ical.ParseObject([]byte(data), ical.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := obj.Event(now, ical.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ev.CalendarID, ev.Href, ev.UUID = calID, "atelier-velo.ics", uuid
	return ev
}

// TestOccurrencesGoOutAsTheyAre: a moved occurrence reaches Mobilizon
// with its own title, place and description, a private one never does,
// and one that becomes private after it was sent is deleted.
func TestOccurrencesGoOutAsTheyAre(t *testing.T) {
	ctx := context.Background()
	f, s, _, cal := goldenFixture(t)
	clock := &testClock{t: goldenClock}
	f.cfg.Now = clock.Now
	const uuid = "5b7e2c1a-3d4f-4a6b-9c8d-0e1f2a3b4c5d"
	paris, _ := time.LoadLocation("Europe/Paris")
	occ := func(day int) string { return OccurrenceUUID(uuid, time.Date(2026, time.June, day, 18, 0, 0, 0, paris)) }

	if _, err := s.PutEvent(ctx, db.Put{Event: seriesWithOverrides(t, cal.ID, uuid, clock.Now(), "PRIVATE")}); err != nil {
		t.Fatal(err)
	}
	f.publishPending(ctx)
	acts, _, last := queued(t, s, 0)
	created := map[string]map[string]any{}
	for _, a := range acts {
		if a["type"] == "Create" {
			o := a["object"].(map[string]any)
			created[mobilizon.IDOf(o)] = o
		}
		if body := string(mustJSON(t, a)); strings.Contains(body, "Lilas") || strings.Contains(body, "Paul") {
			t.Fatalf("the private occurrence went out in a %v: %s", a["type"], body)
		}
	}
	if _, ok := created[f.URIs().EventID(occ(17))]; ok || len(created) != 5 {
		t.Fatalf("created %d objects, the private 17 June among them: %v", len(created), ok)
	}
	moved := created[f.URIs().EventID(occ(10))]
	if moved == nil {
		t.Fatal("the moved occurrence was not created")
	}
	loc, _ := moved["location"].(map[string]any)
	addr, _ := loc["address"].(map[string]any)
	if moved["name"] != "Atelier vélo hors les murs" || moved["startTime"] != "2026-06-10T19:00:00+02:00" ||
		!strings.Contains(string(mustJSON(t, moved["content"])), "au marché") || addr["addressLocality"] != "Tonneins" {
		t.Fatalf("the moved occurrence went out as %v / %v / %v / %v", moved["name"], moved["startTime"], moved["content"], loc)
	}
	plain := created[f.URIs().EventID(occ(3))]
	if plain == nil || plain["name"] != "Atelier vélo" {
		t.Fatalf("a plain occurrence: %v", plain)
	}
	if rec := serve(f, "GET", "/events/"+occ(17), "application/activity+json"); rec.Code == http.StatusOK {
		t.Fatalf("the private occurrence is served: %s", rec.Body)
	}

	// The 17 June becomes public (a Create), then private again: it is
	// deleted from the fediverse.
	if _, err := s.PutEvent(ctx, db.Put{Event: seriesWithOverrides(t, cal.ID, uuid, clock.Now(), "")}); err != nil {
		t.Fatal(err)
	}
	f.publishPending(ctx)
	acts, _, last = queued(t, s, last)
	if c := countTypes(acts); c["Create"] != 1 {
		t.Fatalf("made public: %v", c)
	}
	if _, err := s.PutEvent(ctx, db.Put{Event: seriesWithOverrides(t, cal.ID, uuid, clock.Now(), "CONFIDENTIAL")}); err != nil {
		t.Fatal(err)
	}
	f.publishPending(ctx)
	acts, _, _ = queued(t, s, last)
	// (The window of five dates takes in the next one, 8 July, again.)
	if c := countTypes(acts); c["Delete"] != 1 || c["Update"] != 0 {
		t.Fatalf("made private again: %v", c)
	}
	for _, a := range acts {
		id := mobilizon.IDOf(a["object"])
		if a["type"] == "Delete" && id != f.URIs().EventID(occ(17)) {
			t.Fatalf("deleted %s, want the 17 June", id)
		}
		if body := string(mustJSON(t, a)); a["type"] != "Delete" && (strings.Contains(body, "Lilas") || strings.Contains(body, "Paul")) {
			t.Fatalf("the private occurrence went out in a %v: %s", a["type"], body)
		}
	}
}

// TestInboundEventGetsCommune: an Event received from Mobilizon whose
// Place has only a name and coordinates is stored with the commune its
// coordinates fall in, as any other road would store it, and shows under
// that commune's filter.
func TestInboundEventGetsCommune(t *testing.T) {
	ctx := context.Background()
	f, s := newOffline(t)
	const actor = "https://mobilizon.example/@velo-club"
	cal := &model.Calendar{Kind: model.CalendarRemote, Slug: "velo-club", Name: "Vélo club", Public: true,
		Components: []string{"VEVENT"}, Source: actor}
	if err := s.CreateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	if err := s.PutFollow(ctx, &db.Follow{Object: actor, FollowID: "https://bastide.example/follows/1", State: db.FollowAccepted,
		Trusted: true, CalendarID: cal.ID}); err != nil {
		t.Fatal(err)
	}
	id := "https://mobilizon.example/events/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
	start := goldenClock.Add(72 * time.Hour)
	create := createEvent(actor, id, "Sortie vélo du dimanche", start, map[string]any{
		"type": "Place", "name": "Parking de la halle", "latitude": 44.3840, "longitude": 0.3255}) // Tonneins
	if err := f.ingest(ctx, create["object"].(map[string]any), actor, "", true); err != nil {
		t.Fatal(err)
	}
	ev, err := s.GetEventByAPID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ev.CommuneINSEE != "47310" {
		t.Fatalf("inbound event: commune %q, want Tonneins 47310 (location %q, geo %v %v,%v)", ev.CommuneINSEE, ev.Location, ev.HasGeo, ev.Lat, ev.Lon)
	}
	rows, err := s.ListInstances(ctx, db.InstanceQuery{From: start.Add(-time.Hour), To: start.Add(time.Hour), Public: true, Communes: []string{"47310"}})
	if err != nil || len(rows) != 1 {
		t.Fatalf("town filter: %d rows, %v", len(rows), err)
	}
}
