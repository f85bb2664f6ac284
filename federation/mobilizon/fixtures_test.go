package mobilizon

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Every shared fixture that carries an event is read as Mobilizon means it.
func TestFixtureEvents(t *testing.T) {
	type want struct {
		id, url, attributedTo, actor, summary, location, picture, online, uuid string
		start, end                                                             time.Time
		public                                                                 bool
		categories                                                             []string
		street, postal, locality                                               string
		contentHas, descriptionHas                                             string
		problems                                                               []string // what Validate must say of the activity
	}
	const mzEvent = "https://mobilizon.fr/events/39a0c4a6-f2b6-41dc-bbe2-fc5bff76cc93"
	lyon := func(w want) want {
		w.id, w.url, w.attributedTo, w.actor = mzEvent, mzEvent, "https://mobilizon.fr/@metacartes", "https://mobilizon.fr/@metacartes"
		w.summary, w.start, w.public, w.uuid = "My first event", ts("2018-02-12T14:08:20Z"), true, "109ccdfd-ee3e-46e1-a877-6c228763df0c"
		w.location = "Locaux de Framasoft, 10 Rue Jangot, 69007 Lyon"
		w.street, w.postal, w.locality = "10 Rue Jangot", "69007", "Lyon"
		w.online = "https://google.com"
		w.contentHas = `<a href="https://framapiaf.org/users/tcit" rel="nofollow noopener" target="_blank">@tcit</a>`
		w.descriptionHas = "@tcit"
		w.problems = []string{`object.category: "TODO remove me" is not a Mobilizon category: stored as MEETING`}
		return w
	}
	cases := map[string]want{
		"mobilizon-post-activity.json":         lyon(want{}),
		"mobilizon-post-activity-media-1.json": lyon(want{picture: "https://mobilizon.fr/some-image-1"}),
		"mobilizon-post-activity-media-2.json": lyon(want{picture: "https://mobilizon.fr/some-image-2"}),
		"mobilizon-post-activity-group.json": {
			id: "http://mobilizon1.com/events/f270ae07-7991-453c-9bb7-3d2122ededae", url: "http://mobilizon1.com/events/f270ae07-7991-453c-9bb7-3d2122ededae",
			attributedTo: "http://mobilizon1.com/@group", actor: "http://mobilizon1.com/@user", summary: "My first event",
			uuid: "f270ae07-7991-453c-9bb7-3d2122ededae", start: ts("2018-02-12T14:08:20Z"), public: false,
			descriptionHas: "@tcit",
			problems:       []string{"object.to: lacks the Public collection: Mobilizon makes the event unlisted"},
		},
		"gancio-event-activity.json": {
			id: "https://demo.gancio.org/federation/m/1", url: "https://demo.gancio.org/event/demo-event",
			attributedTo: "https://demo.gancio.org/federation/u/gancio", actor: "https://demo.gancio.org/federation/u/gancio",
			summary: "Demo event", location: "Colosseo", public: true,
			start: ts("2021-07-14T15:30:57Z"), end: ts("2021-07-14T16:30:57Z"), categories: []string{"test"},
			descriptionHas: "📍 Colosseo",
		},
	}
	for name, w := range cases {
		t.Run(name, func(t *testing.T) {
			doc := fixture(t, name)
			if got := Validate(doc); strings.Join(got, "\n") != strings.Join(w.problems, "\n") {
				t.Errorf("Validate = %q, want %q", got, w.problems)
			}
			if k := Classify(doc); k != KindCreateEvent {
				t.Errorf("Classify = %s", k)
			}
			r, err := ParseEvent(doc)
			if err != nil {
				t.Fatal(err)
			}
			ev := r.Event
			check := func(what string, got, want any) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %#v, want %#v", what, got, want)
				}
			}
			check("ID", r.ID, w.id)
			check("URL", r.URL, w.url)
			check("Event.URL", ev.URL, w.url)
			check("APID", ev.APID, w.id)
			check("UID", ev.UID, w.id)
			check("AttributedTo", r.AttributedTo, w.attributedTo)
			check("Actor", r.Actor, w.actor)
			check("Summary", ev.Summary, w.summary)
			check("Location", ev.Location, w.location)
			check("PictureURL", r.PictureURL, w.picture)
			check("OnlineURL", r.OnlineURL, w.online)
			check("RemoteUUID", r.RemoteUUID, w.uuid)
			check("Public", r.Public, w.public)
			check("Status", ev.Status, "CONFIRMED")
			check("Origin", ev.Origin, "remote")
			check("Component", ev.Component, "VEVENT")
			check("UUID (left to the store)", ev.UUID, "")
			if !ev.Start.Equal(w.start) || ev.Start.Location() != time.UTC {
				t.Errorf("Start = %v, want %v in UTC", ev.Start, w.start)
			}
			if !ev.End.Equal(w.end) {
				t.Errorf("End = %v, want %v", ev.End, w.end)
			}
			if strings.Join(ev.Categories, "|") != strings.Join(w.categories, "|") {
				t.Errorf("Categories = %q, want %q", ev.Categories, w.categories)
			}
			if w.street != "" {
				if r.Place == nil || r.Place.Street != w.street || r.Place.PostalCode != w.postal || r.Place.Locality != w.locality || r.Place.CommuneINSEE != "" {
					t.Errorf("Place = %+v", r.Place)
				}
			}
			if !strings.Contains(r.ContentHTML, w.contentHas) {
				t.Errorf("ContentHTML = %q, want it to contain %q", r.ContentHTML, w.contentHas)
			}
			if !strings.Contains(ev.Description, w.descriptionHas) || strings.Contains(ev.Description, "<") {
				t.Errorf("Description = %q, want plain text with %q", ev.Description, w.descriptionHas)
			}
			if !r.Published.Equal(ts(map[bool]string{true: "2021-07-01T22:33:36Z", false: "2018-02-12T14:08:20Z"}[strings.HasPrefix(name, "gancio")])) {
				t.Errorf("Published = %v", r.Published)
			}
		})
	}
}

// The WordPress Event Bridge's Gancio 1.22 Event has no startTime:
// Mobilizon refuses it, and so does ParseEvent, clearly. With a start it
// reads the Place whose address is a string, the image and the hashtags.
func TestFixtureGancio122(t *testing.T) {
	doc := fixture(t, "wordpress-event-bridge/gancio-v1.22.json")
	if p := Validate(doc); strings.Join(p, "\n") != "startTime: is required" {
		t.Errorf("Validate = %q", p)
	}
	_, err := ParseEvent(doc)
	if err == nil || err.Error() != "startTime: is required" {
		t.Fatalf("ParseEvent error = %v, want startTime: is required", err)
	}
	doc["startTime"] = "2025-07-05T21:00:00+02:00"
	r, err := ParseEvent(doc)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "https://remote.example/federation/m/13500" || r.URL != "https://remote.example/event/picture-show" ||
		r.AttributedTo != "https://remote.example/@organizer" || r.Event.Summary != "Picture Show" {
		t.Errorf("ids: %q %q %q %q", r.ID, r.URL, r.AttributedTo, r.Event.Summary)
	}
	if r.Place == nil || r.Place.Name != "Fediverse TV" || r.Place.Street != "C/ Falsa 123" || r.Event.Location != "Fediverse TV, C/ Falsa 123" {
		t.Errorf("place %+v location %q", r.Place, r.Event.Location)
	}
	if r.PictureURL != "http://remote.example/media/36755574a6e48a1ccd3351d35e1a371f.jpg" {
		t.Errorf("picture %q", r.PictureURL)
	}
	if strings.Join(r.Tags, ",") != "Sport,Cello" || strings.Join(r.Event.Categories, ",") != "Sport,Cello" {
		t.Errorf("tags %q categories %q", r.Tags, r.Event.Categories)
	}
	if r.ContentHTML != "<strong> This is the the <i>content</i></strong>" || r.Event.Description != "This is the the content" {
		t.Errorf("content %q description %q", r.ContentHTML, r.Event.Description)
	}
	if !r.Event.Start.Equal(ts("2025-07-05T19:00:00Z")) || !r.Public {
		t.Errorf("start %v public %v", r.Event.Start, r.Public)
	}
}

// Gancio's location fixtures, as the location of an event: the Place with
// a PostalAddress, and the list of mixed Places Mobilizon drops.
func TestFixtureGancioLocations(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{"type": "Event", "id": "http://localhost:13120/federation/m/1", "name": "Lieu",
			"startTime": "2025-01-15T18:00:00+01:00", "attributedTo": "http://localhost:13120/federation/u/g", "to": []any{Public}}
	}
	dir := fixtureDir(t)
	ev := base()
	ev["location"] = readJSON(t, filepath.Join(dir, "gancio", "physical-location-with-postal-address.json"))
	if p := Validate(ev); len(p) != 0 {
		t.Errorf("postal address place: %q", p)
	}
	r, err := ParseEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Place; p == nil || p.Name != "Location with a postal address" || p.Street != "15 Fediverse Street" ||
		p.PostalCode != "8010" || p.Locality != "Fediverse Town" || p.CommuneINSEE != "" {
		t.Errorf("place %+v", r.Place)
	}
	if r.Event.Location != "Location with a postal address, 15 Fediverse Street, 8010 Fediverse Town" {
		t.Errorf("location %q", r.Event.Location)
	}

	data, err := os.ReadFile(filepath.Join(dir, "gancio", "multiple-mixed-locations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []any
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	ev = base()
	ev["location"] = list
	if p := Validate(ev); len(p) != 1 || !strings.Contains(p[0], "location: is a list") {
		t.Errorf("mixed locations: Validate = %q", p)
	}
	r, err = ParseEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	if r.Place == nil || r.Place.Name != "Location with a name" || r.OnlineURL != "https://virtual.location.org" || !r.Online {
		t.Errorf("mixed: place %+v online %q", r.Place, r.OnlineURL)
	}
}

// Actors, follows, collections and the rest are decoded and classified.
func TestFixtureOthers(t *testing.T) {
	cases := []struct {
		file     string
		kind     Kind
		problems string
	}{
		{"gancio-actor.json", KindActor, ""},
		{"mastodon-actor.json", KindActor, ""},
		{"mastodon-accept-activity.json", KindAccept, ""},
		{"mastodon-reject-activity.json", KindReject, ""},
		{"mastodon-follow-activity.json", KindFollow, ""},
		{"mastodon-unfollow-activity.json", KindUndoFollow, ""},
		{"mastodon-announce.json", KindAnnounceRef, ""},
		{"mastodon-delete.json", KindDelete, ""},
		// Its PEM is broken (mis-wrapped lines): stored, but useless.
		{"mastodon-update.json", KindUpdateActor, "object.publicKey.publicKeyPem: is not a PEM block: Mobilizon stores the actor, but no signature of it will verify"},
		{"mastodon-post-activity.json", KindCreateNote, ""},
		{"mobilizon-join-activity.json", KindJoin, ""},
		{"mobilizon-leave-activity.json", KindLeave, ""},
		{"mobilizon-members-collection.json", KindCollection, ""},
	}
	for _, c := range cases {
		doc := fixture(t, c.file)
		if k := Classify(doc); k != c.kind {
			t.Errorf("%s: Classify = %s, want %s", c.file, k, c.kind)
		}
		if p := strings.Join(Validate(doc), "\n"); p != c.problems {
			t.Errorf("%s: Validate = %q, want %q", c.file, p, c.problems)
		}
		if _, err := ParseEvent(doc); err == nil {
			t.Errorf("%s: ParseEvent accepted a document without an Event", c.file)
		}
	}

	g, err := ParseActor(fixture(t, "gancio-actor.json"))
	if err != nil {
		t.Fatal(err)
	}
	if g.Type != "Application" || g.PreferredUsername != "gancio" || g.DeliveryInbox() != "https://demo.gancio.org/federation/u/gancio/inbox" ||
		g.PublicKeyID != "https://demo.gancio.org/federation/u/gancio#main-key" || !strings.HasPrefix(g.PublicKeyPEM, "-----BEGIN PUBLIC KEY-----") ||
		g.IconURL != "https://demo.gancio.org/logo.png" || g.Followers != "" {
		t.Errorf("gancio actor %+v", g)
	}
	m, err := ParseActor(fixture(t, "mastodon-actor.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != "Person" || m.DeliveryInbox() != "https://framapiaf.org/inbox" || m.Inbox != "https://framapiaf.org/users/peertube/inbox" ||
		m.Followers != "https://framapiaf.org/users/peertube/followers" || m.URL != "https://framapiaf.org/@peertube" || m.ManuallyApprovesFollowers {
		t.Errorf("mastodon actor %+v", m)
	}

	col, err := ParseCollection(fixture(t, "mobilizon-members-collection.json"))
	if err != nil {
		t.Fatal(err)
	}
	if col.TotalItems != 2 || col.First != "http://mobilizon.test/@demo/members?page=1" || col.FirstPage == nil || !IsPageOne(col.First) {
		t.Errorf("members collection %+v", col)
	}
	page, _ := ParseCollection(col.FirstPage)
	if page == nil || len(page.Items) != 2 || page.PartOf != "http://mobilizon.test/@demo/members" || IDOf(page.Items[0].(map[string]any)["actor"]) != "http://mobilizon.test/@tcit" {
		t.Errorf("members page %+v", page)
	}

	acc := fixture(t, "mastodon-accept-activity.json")
	if IDOf(acc["object"]) != "http://mobilizon.test/follows/fdfds" || IDOf(acc["actor"]) != "http://mobilizon.test/@thomas0" {
		t.Errorf("accept: object %q actor %q", IDOf(acc["object"]), IDOf(acc["actor"]))
	}
	del := fixture(t, "mastodon-delete.json")
	if IDOf(del["object"]) != "http://mastodon.example.org/users/gargron/statuses/99620895606148759" {
		t.Errorf("delete object %q", IDOf(del["object"]))
	}
}

// The recorded 2019 session holds Mobilizon's relay actor with a PKCS#1
// key: it is read and passes the actor rules.
func TestFixtureHistoricalRelay(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtureDir(t), "historical", "fetch_relay_follow.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cassette []struct {
		Request struct {
			URL     string            `json:"url"`
			Body    string            `json:"body"`
			Headers map[string]string `json:"headers"`
		} `json:"request"`
		Response struct {
			Body string `json:"body"`
		} `json:"response"`
	}
	if err := json.Unmarshal(data, &cassette); err != nil {
		t.Fatal(err)
	}
	if len(cassette) < 3 {
		t.Fatalf("%d interactions", len(cassette))
	}
	relay, err := Decode([]byte(cassette[1].Response.Body))
	if err != nil {
		t.Fatal(err)
	}
	if Classify(relay) != KindActor {
		t.Fatalf("relay is %s", Classify(relay))
	}
	if p := Validate(relay); len(p) != 0 {
		t.Errorf("relay actor: %q", p)
	}
	a, err := ParseActor(relay)
	if err != nil {
		t.Fatal(err)
	}
	if a.Type != "Application" || a.ID != "http://mobilizon1.com/relay" || a.DeliveryInbox() != "http://mobilizon1.com/inbox" ||
		!strings.HasPrefix(a.PublicKeyPEM, "-----BEGIN RSA PUBLIC KEY-----") || a.PublicKeyID != KeyID(a.ID) {
		t.Errorf("relay %+v", a)
	}
	follow, err := Decode([]byte(cassette[2].Request.Body))
	if err != nil {
		t.Fatal(err)
	}
	if Classify(follow) != KindFollow || IDOf(follow["actor"]) != "http://mobilizon.test/relay" {
		t.Errorf("recorded follow: %s from %q", Classify(follow), IDOf(follow["actor"]))
	}
	if p := Validate(follow); len(p) != 0 {
		t.Errorf("recorded follow: %q", p)
	}
	if sig := cassette[2].Request.Headers["signature"]; !strings.Contains(sig, `headers="(request-target) content-length date digest host"`) {
		t.Errorf("signature header %q", sig)
	}
}
