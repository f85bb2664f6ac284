package mobilizon

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/model"
)

var assoc = &model.Association{
	ID: 1, Slug: "amis-du-pruneau", Name: "Les Amis du Pruneau",
	Description: "Association agenaise.\n\nSite : https://pruneau.example/",
	Website:     "https://pruneau.example", CommuneINSEE: "47001",
	CreatedAt: time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC),
}

func paris(y int, m time.Month, d, h, min int) time.Time {
	loc, _ := time.LoadLocation("Europe/Paris")
	return time.Date(y, m, d, h, min, 0, 0, loc).UTC()
}

// sampleEvents are local events of every shape EventObject must handle.
func sampleEvents() map[string]struct {
	ev    *model.Event
	place *model.Place
} {
	created := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	return map[string]struct {
		ev    *model.Event
		place *model.Place
	}{
		"market": {&model.Event{
			UUID: "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c", Summary: "Marché de producteurs",
			Description: "Producteurs locaux <bio> & pruneaux.\nInfos : https://pruneau.example/marche.\n\nVenez nombreux !",
			Location:    "Place de la Mairie, Nérac", Start: paris(2026, 6, 13, 8, 0), End: paris(2026, 6, 13, 13, 0),
			TZID: "Europe/Paris", Status: "CONFIRMED", Categories: []string{"Marché de producteurs", "Gastronomie"},
			URL: "https://pruneau.example/marche", Created: created, Updated: created.Add(time.Hour),
		}, &model.Place{Name: "Place de la Mairie", Street: "Place du Général Leclerc", PostalCode: "47600",
			Locality: "Nérac", CommuneINSEE: "47195", Lat: 44.0, Lon: 0.3394, HasGeo: true}},
		"cancelled": {&model.Event{
			UUID: "0b6c1f0e-3a2d-4c5e-8f7a-9b8c7d6e5f40", Summary: "Concert de la chorale",
			Description: "Annulé.", Location: "Église Saint-Hilaire, Agen", Start: paris(2026, 12, 5, 20, 30),
			End: paris(2026, 12, 5, 23, 0), TZID: "Europe/Paris", Status: "CANCELLED", Categories: []string{"concert"},
			Created: created, Updated: created,
		}, nil},
		"online": {&model.Event{
			UUID: "7e8d9c0b-1a2b-4c3d-9e4f-5a6b7c8d9e0f", Summary: "Atelier numérique",
			Description: "En visio.", Location: "https://meet.jit.si/AtelierNumerique47", Start: time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC),
			End: time.Date(2026, 3, 10, 18, 30, 0, 0, time.UTC), TZID: "Europe/Paris", Status: "TENTATIVE",
			Categories: []string{"Informatique"}, Created: created,
		}, nil},
		"allday": {&model.Event{
			UUID: "aa0e4d7c-2b1a-4e3f-8d9c-0b1a2e3f4d5c", Summary: "AG", AllDay: true,
			Start: time.Date(2026, 9, 19, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 9, 21, 0, 0, 0, 0, time.UTC),
			Location: "Salle des fêtes, Villeneuve-sur-Lot", Categories: []string{"Assemblée générale"},
		}, nil},
		"floating": {&model.Event{
			UUID: "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f", Summary: strings.Repeat("Très long titre ", 20),
			Floating: true, Start: time.Date(2026, 7, 14, 22, 30, 0, 0, time.UTC), TZID: "W. Europe Standard Time",
			Lat: 44.35, Lon: 0.5, HasGeo: true, Location: "Berges du Lot",
		}, nil},
	}
}

func TestEventObjectGolden(t *testing.T) {
	for name, c := range sampleEvents() {
		t.Run(name, func(t *testing.T) {
			golden(t, "event-"+name+".json", EventObject(c.ev, assoc, c.place, hub))
		})
	}
}

func TestEventObjectShape(t *testing.T) {
	evs := sampleEvents()
	m := EventObject(evs["market"].ev, assoc, evs["market"].place, hub)
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{
		`"latitude":44.0`, `"longitude":0.3394`, `"startTime":"2026-06-13T08:00:00+02:00"`,
		`"endTime":"2026-06-13T13:00:00+02:00"`, `"timezone":"Europe/Paris"`,
		`"to":["https://www.w3.org/ns/activitystreams#Public"]`, `"attributedTo":"https://bastide.example/@amis-du-pruneau"`,
		`"actor":"https://bastide.example/relay"`, `"category":"FOOD_DRINK"`, `"joinMode":"external"`,
		`"externalParticipationUrl":"https://pruneau.example/marche"`, `"ical:status":"CONFIRMED"`,
		`"url":"https://bastide.example/events/3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"`,
		`"addressLocality":"Nérac"`, `"postalCode":"47600"`, `"addressCountry":"France"`,
		`"published":"2026-05-01T10:00:00Z"`, `"updated":"2026-05-01T11:00:00Z"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("market event lacks %s:\n%s", want, s)
		}
	}
	if content := m["content"].(string); strings.Contains(content, "<bio>") || !strings.Contains(content, `&lt;bio&gt; &amp; pruneaux.<br>Infos : <a href="https://pruneau.example/marche" rel="nofollow noopener" target="_blank">`) {
		t.Errorf("content is not escaped HTML with links: %v", m["content"])
	}
	if strings.Contains(s, `"id":"https://bastide.example/address`) {
		t.Error("the Place must carry no id (Mobilizon never updates a known Place)")
	}

	c := EventObject(evs["cancelled"].ev, assoc, nil, hub)
	if c["status"] != "CANCELLED" || c["ical:status"] != "CANCELLED" || c["category"] != "MUSIC" || c["joinMode"] != "free" {
		t.Errorf("cancelled: status %v/%v category %v joinMode %v", c["status"], c["ical:status"], c["category"], c["joinMode"])
	}
	loc := c["location"].(map[string]any)
	if loc["name"] != "Église Saint-Hilaire" || loc["address"].(map[string]any)["addressLocality"] != "Agen" || loc["latitude"] == nil {
		t.Errorf("cancelled: location from LOCATION text: %v", loc)
	}

	o := EventObject(evs["online"].ev, assoc, nil, hub)
	att := o["attachment"].([]any)
	if o["isOnline"] != true || len(att) != 2 || att[1].(map[string]any)["href"] != "https://meet.jit.si/AtelierNumerique47" ||
		att[1].(map[string]any)["name"] != "Website" || att[0].(map[string]any)["propertyID"] != "mz:visio:jitsi_meet" ||
		o["location"].(map[string]any)["name"] != "En ligne" || o["location"].(map[string]any)["latitude"] != nil {
		t.Errorf("online: isOnline %v attachment %v location %v", o["isOnline"], att, o["location"])
	}
	if o["startTime"] != "2026-03-10T18:00:00+01:00" || o["status"] != "TENTATIVE" || o["category"] != "SCIENCE_TECH" {
		t.Errorf("online: %v %v %v", o["startTime"], o["status"], o["category"])
	}

	a := EventObject(evs["allday"].ev, assoc, nil, hub)
	if a["startTime"] != "2026-09-19T00:00:00+02:00" || a["endTime"] != "2026-09-20T23:59:00+02:00" {
		t.Errorf("all-day: %v → %v", a["startTime"], a["endTime"])
	}
	if a["name"] != "AG – Les Amis du Pruneau" || a["category"] != "MEETING" {
		t.Errorf("all-day: name %q category %v", a["name"], a["category"])
	}

	f := EventObject(evs["floating"].ev, assoc, nil, hub)
	if f["startTime"] != "2026-07-14T22:30:00+02:00" || f["endTime"] != nil || f["timezone"] != "Europe/Paris" {
		t.Errorf("floating: %v %v %v", f["startTime"], f["endTime"], f["timezone"])
	}
	if n := []rune(f["name"].(string)); len(n) != MaxNameRunes || n[len(n)-1] != '…' {
		t.Errorf("long name not cut to 200 characters: %d", len(n))
	}
	fl := f["location"].(map[string]any)
	if _, ok := fl["latitude"].(Float); !ok {
		t.Errorf("event GEO not used for the place: %v", fl)
	}
}

// Everything EventObject makes passes Validate, alone and in the
// activities the federation owner wraps it in.
func TestValidateAcceptsEventObject(t *testing.T) {
	for name, c := range sampleEvents() {
		obj := EventObject(c.ev, assoc, c.place, hub)
		if p := Validate(roundTrip(t, obj)); len(p) != 0 {
			t.Errorf("%s: Validate found problems in EventObject's output: %q", name, p)
		}
		for _, typ := range []string{"Create", "Update"} {
			act := map[string]any{
				"@context": Context(), "type": typ, "id": obj["id"].(string) + "/activity",
				"actor": hub.ActorID(assoc.Slug), "to": []any{Public}, "object": obj,
			}
			if p := Validate(roundTrip(t, act)); len(p) != 0 {
				t.Errorf("%s %s: %q", name, typ, p)
			}
		}
		ann := map[string]any{"type": "Announce", "id": obj["id"].(string) + "/announces/1", "actor": hub.RelayID(), "object": obj, "to": []any{Public}}
		if p := Validate(roundTrip(t, ann)); len(p) != 0 {
			t.Errorf("%s Announce: %q", name, p)
		}
		// And Bastide reads its own events back as it sent them.
		r, err := ParseEvent(roundTrip(t, obj))
		if err != nil {
			t.Fatalf("%s: ParseEvent(EventObject): %v", name, err)
		}
		start, _, _ := EventTimes(c.ev)
		if !r.Event.Start.Equal(start) || r.ID != obj["id"] || !r.Public || r.AttributedTo != hub.ActorID(assoc.Slug) {
			t.Errorf("%s: round trip: start %v (want %v), id %q, public %v, attributedTo %q", name, r.Event.Start, start, r.ID, r.Public, r.AttributedTo)
		}
	}
	g := GroupActor(assoc, hub, testPEM)
	if p := Validate(roundTrip(t, g)); len(p) != 0 {
		t.Errorf("GroupActor: %q", p)
	}
	rl := RelayActor(hub, "Bastide", testPEM, false)
	if p := Validate(roundTrip(t, rl)); len(p) != 0 {
		t.Errorf("RelayActor: %q", p)
	}
}

const testPEM = "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAtmYTAbWpVZSQQGhvA6Zee+Zdj6/S6j2jESqL4qKJPAXxWjm6Hdr5\nqUfCcM6EJoiAcQ3bNq0l9cnSPXJOZ/L3gjKOI35qlzdAucmAz+Shv5l1y0kiZW8c\nrrIjbL3fm2qm4Sk5ZlijlUiP17lgT9uHqqa/ZfGEu6kc6Fd0hEzEOIyBMD7t5GkJ\nuI8KZlq6t3clM1SkgMa68/Tvv6ecD6Ox3AZx8TuyA7hE8YMZfC8/FDKjLbX5rYFy\nOrglG5HRGvGX/03A+LF07BypvHAhZXdaR1CQaTbcHzkEt+HHjUrDG6Pz60v9sPf9\nWQRrzd+oWx7YjmHygxTVh6OC/ykwVxc5/QIDAQAB\n-----END RSA PUBLIC KEY-----\n"

func TestGroupActorGolden(t *testing.T) {
	g := GroupActor(assoc, hub, testPEM)
	golden(t, "group-actor.json", g)
	if g["type"] != "Group" || g["preferredUsername"] != "amis-du-pruneau" || g["inbox"] != "https://bastide.example/@amis-du-pruneau/inbox" {
		t.Errorf("group: %v %v %v", g["type"], g["preferredUsername"], g["inbox"])
	}
	pk := g["publicKey"].(map[string]any)
	if pk["id"] != "https://bastide.example/@amis-du-pruneau#main-key" || pk["owner"] != g["id"] {
		t.Errorf("publicKey: %v", pk)
	}
	if g["endpoints"].(map[string]any)["sharedInbox"] != "https://bastide.example/inbox" {
		t.Errorf("sharedInbox: %v", g["endpoints"])
	}
	golden(t, "relay-actor.json", RelayActor(hub, "Bastide", testPEM, false))
}

func TestFloatJSON(t *testing.T) {
	for f, want := range map[float64]string{48: "48.0", 0: "0.0", -1: "-1.0", 44.1361: "44.1361", 1e21: "1000000000000000000000.0", 1e-7: "0.0000001"} {
		b, err := json.Marshal(Float(f))
		if err != nil || string(b) != want {
			t.Errorf("Float(%v) = %s %v, want %s", f, b, err, want)
		}
	}
	if _, err := json.Marshal(map[string]any{"x": Float(math.NaN())}); err == nil {
		t.Error("NaN marshalled")
	}
}
