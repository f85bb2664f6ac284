package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
	"github.com/bastide47/bastide/ical"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func countTypes(acts []map[string]any) map[string]int {
	out := map[string]int{}
	for _, a := range acts {
		out[a["type"].(string)]++
	}
	return out
}

func seriesEvent(t *testing.T, calID int64, uuid string, now time.Time, extra string) *model.Event {
	t.Helper()
	data := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\nBEGIN:VEVENT\r\nUID:atelier-velo\r\nDTSTAMP:20260501T000000Z\r\n" +
		"DTSTART;TZID=Europe/Paris:20260603T180000\r\nDTEND;TZID=Europe/Paris:20260603T200000\r\nRRULE:FREQ=WEEKLY;COUNT=12\r\n" +
		extra + "SUMMARY:Atelier vélo\r\nLOCATION:Agen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
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

// TestRecurringSeries: a series reaches Mobilizon as its next 5
// occurrences within 90 days, each an Event with a stable id; as time
// passes new ones are Created, an occurrence taken out of the series is
// Deleted (and answers 410), past ones stay.
func TestRecurringSeries(t *testing.T) {
	ctx := context.Background()
	f, s, _, cal := goldenFixture(t)
	clock := &testClock{t: goldenClock}
	f.cfg.Now = clock.Now
	const uuid = "9d0b8a1e-2c3d-4e5f-8a6b-7c8d9e0f1a2b"
	paris, _ := time.LoadLocation("Europe/Paris")
	occ := func(day int, month time.Month) string {
		return OccurrenceUUID(uuid, time.Date(2026, month, day, 18, 0, 0, 0, paris))
	}

	if _, err := s.PutEvent(ctx, db.Put{Event: seriesEvent(t, cal.ID, uuid, clock.Now(), "")}); err != nil {
		t.Fatal(err)
	}
	f.publishPending(ctx)
	acts, _, last := queued(t, s, 0)
	if c := countTypes(acts); c["Create"] != 5 || c["Announce"] != 5 || len(acts) != 10 {
		t.Fatalf("first publication: %v", c)
	}
	var ids []string
	for _, a := range acts {
		if a["type"] == "Create" {
			o := a["object"].(map[string]any)
			ids = append(ids, o["id"].(string))
			if o["url"] != f.URIs().EventURL(uuid) {
				t.Fatalf("occurrence url %v, want the series page", o["url"])
			}
			if probs := mobilizon.Validate(a); len(probs) > 0 {
				t.Fatalf("occurrence Create: %v", probs)
			}
		}
	}
	for i, d := range []int{3, 10, 17, 24} {
		if ids[i] != f.URIs().EventID(occ(d, time.June)) {
			t.Fatalf("occurrence %d id %s, want %s", i, ids[i], f.URIs().EventID(occ(d, time.June)))
		}
	}
	if ids[4] != f.URIs().EventID(occ(1, time.July)) {
		t.Fatalf("5th occurrence %s", ids[4])
	}

	// A week later: two occurrences have ended; two new ones appear.
	clock.Set(time.Date(2026, 6, 11, 12, 0, 0, 0, time.UTC))
	if err := f.resyncSeries(ctx); err != nil {
		t.Fatal(err)
	}
	acts, _, last = queued(t, s, last)
	if c := countTypes(acts); c["Create"] != 2 || c["Delete"] != 0 {
		t.Fatalf("after a week: %v", c)
	}

	// The 24 June occurrence is cancelled with EXDATE.
	ev := seriesEvent(t, cal.ID, uuid, clock.Now(), "EXDATE;TZID=Europe/Paris:20260624T180000\r\n")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	f.publishPending(ctx)
	acts, _, last = queued(t, s, last)
	c := countTypes(acts)
	if c["Delete"] != 1 || c["Create"] != 1 {
		t.Fatalf("after EXDATE: %v", c)
	}
	for _, a := range acts {
		if a["type"] == "Delete" && mobilizon.IDOf(a["object"]) != f.URIs().EventID(occ(24, time.June)) {
			t.Fatalf("deleted %v", mobilizon.IDOf(a["object"]))
		}
	}
	rec := serve(f, "GET", "/events/"+occ(24, time.June), "application/activity+json")
	if rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), `"Tombstone"`) {
		t.Fatalf("removed occurrence: %d %s", rec.Code, rec.Body)
	}
	rec = serve(f, "GET", "/events/"+occ(17, time.June), "application/activity+json")
	var obj map[string]any
	json.Unmarshal(rec.Body.Bytes(), &obj)
	if rec.Code != 200 || obj["startTime"] != "2026-06-17T18:00:00+02:00" {
		t.Fatalf("live occurrence: %d %v", rec.Code, obj["startTime"])
	}

	// The series is deleted: every object still live is deleted.
	if _, err := s.DeleteEvent(ctx, cal.ID, "atelier-velo.ics", ""); err != nil {
		t.Fatal(err)
	}
	f.publishPending(ctx)
	acts, _, _ = queued(t, s, last)
	if c := countTypes(acts); c["Delete"] != 7 || len(acts) != 7 {
		t.Fatalf("after deleting the series: %v", c)
	}
	if rec := serve(f, "GET", "/events/"+uuid, "application/activity+json"); rec.Code != http.StatusGone {
		t.Fatalf("deleted series: %d", rec.Code)
	}
}

// TestEventNegotiationAndTombstone: /events/{uuid} serves the Event only
// for ActivityPub, answers 410 with a Tombstone forever once deleted,
// redirects remote events to their origin, and hides private ones.
func TestEventNegotiationAndTombstone(t *testing.T) {
	ctx := context.Background()
	f, s, _, cal := goldenFixture(t)
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	rec := serve(f, "GET", "/events/"+ev.UUID, "application/activity+json")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"@context"`) {
		t.Fatalf("event: %d %s", rec.Code, rec.Body)
	}
	// Never published (no follower saw it), deleted: 410 from the store's tombstone.
	if _, err := s.DeleteEvent(ctx, cal.ID, ev.Href, ""); err != nil {
		t.Fatal(err)
	}
	rec = serve(f, "GET", "/events/"+ev.UUID, "application/activity+json")
	var tomb map[string]any
	json.Unmarshal(rec.Body.Bytes(), &tomb)
	if rec.Code != http.StatusGone || tomb["type"] != "Tombstone" || tomb["id"] != f.URIs().EventID(ev.UUID) || tomb["formerType"] != "Event" {
		t.Fatalf("deleted event: %d %s", rec.Code, rec.Body)
	}
	// A private calendar's event is not served.
	priv := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: cal.AssociationID, Slug: "bureau", Name: "Bureau", Components: []string{"VEVENT"}}
	if err := s.CreateCalendar(ctx, priv); err != nil {
		t.Fatal(err)
	}
	pe := dbtest.Event(priv.ID, "reunion", time.Now().Add(time.Hour), "Réunion du bureau")
	if _, err := s.PutEvent(ctx, db.Put{Event: pe}); err != nil {
		t.Fatal(err)
	}
	if rec := serve(f, "GET", "/events/"+pe.UUID, "application/activity+json"); rec.Code != http.StatusNotFound {
		t.Fatalf("private event: %d", rec.Code)
	}
	if rec := serve(f, "GET", "/events/not-a-uuid", "application/activity+json"); rec.Code != http.StatusNotFound {
		t.Fatalf("unknown event: %d", rec.Code)
	}

	for _, c := range []struct {
		accept string
		want   bool
	}{
		{"application/activity+json", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
		{"application/json", false},
		{"", false},
		{"application/activity+json;q=0", false},
	} {
		r := httptest.NewRequest("GET", "/events/x", nil)
		if c.accept != "" {
			r.Header.Set("Accept", c.accept)
		}
		if got := WantsActivityPub(r); got != c.want {
			t.Errorf("WantsActivityPub(%q) = %v", c.accept, got)
		}
	}
}

// TestDiscovery: WebFinger for associations and the relay, NodeInfo 2.0
// and 2.1 as application/json, unknown names refused.
func TestDiscovery(t *testing.T) {
	f, s, a, cal := goldenFixture(t)
	for _, name := range []string{a.Slug, "relay"} {
		rec := serve(f, "GET", "/.well-known/webfinger?resource=acct:"+name+"@bastide.example", "")
		var jrd struct {
			Subject string
			Links   []map[string]string
		}
		json.Unmarshal(rec.Body.Bytes(), &jrd)
		want := f.URIs().ActorID(name)
		if name == "relay" {
			want = f.URIs().RelayID()
		}
		if rec.Code != 200 || jrd.Subject != "acct:"+name+"@bastide.example" || jrd.Links[0]["rel"] != "self" ||
			jrd.Links[0]["type"] != "application/activity+json" || jrd.Links[0]["href"] != want {
			t.Fatalf("webfinger %s: %d %s", name, rec.Code, rec.Body)
		}
	}
	if rec := serve(f, "GET", "/.well-known/webfinger?resource=acct:nobody@bastide.example", ""); rec.Code != 404 {
		t.Fatalf("unknown account: %d", rec.Code)
	}
	if rec := serve(f, "GET", "/.well-known/webfinger?resource=acct:club@other.example", ""); rec.Code != 404 {
		t.Fatalf("other host: %d", rec.Code)
	}
	for _, v := range []string{"2.0", "2.1"} {
		rec := serve(f, "GET", "/nodeinfo/"+v, "")
		var ni map[string]any
		json.Unmarshal(rec.Body.Bytes(), &ni)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || ni["version"] != v ||
			ni["protocols"].([]any)[0] != "activitypub" {
			t.Fatalf("nodeinfo %s: %d %s %s", v, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
	rec := serve(f, "GET", "/.well-known/nodeinfo", "")
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || !strings.Contains(rec.Body.String(), "https://www.w3.org/ns/activitystreams#Application") {
		t.Fatalf("nodeinfo index: %s %s", rec.Header().Get("Content-Type"), rec.Body)
	}
	// Group and relay have distinct types and preferredUsernames.
	var g, r map[string]any
	json.Unmarshal(serve(f, "GET", "/@"+a.Slug, "application/activity+json").Body.Bytes(), &g)
	json.Unmarshal(serve(f, "GET", "/relay", "application/activity+json").Body.Bytes(), &r)
	if g["type"] != "Group" || r["type"] != "Application" || g["preferredUsername"] != a.Slug || r["preferredUsername"] != "relay" ||
		g["endpoints"].(map[string]any)["sharedInbox"] != f.URIs().SharedInbox() {
		t.Fatalf("actors: %v %v", g, r)
	}
	// The outboxes: upcoming published events, paged, newest published
	// first; the Group's as Creates, the relay's as Announces.
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(context.Background(), db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.publishPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, typ, actor string }{
		{"/@" + a.Slug + "/outbox", "Create", f.URIs().ActorID(a.Slug)},
		{"/relay/outbox", "Announce", f.URIs().RelayID()},
	} {
		var ob, page map[string]any
		json.Unmarshal(serve(f, "GET", c.path, "application/activity+json").Body.Bytes(), &ob)
		if ob["type"] != "OrderedCollection" || ob["first"] != f.URIs().Base()+c.path+"?page=1" || ob["totalItems"] != 1.0 {
			t.Fatalf("%s: %v", c.path, ob)
		}
		json.Unmarshal(serve(f, "GET", c.path+"?page=1", "application/activity+json").Body.Bytes(), &page)
		items, _ := page["orderedItems"].([]any)
		if len(items) != 1 {
			t.Fatalf("%s page 1: %v", c.path, page)
		}
		it := items[0].(map[string]any)
		if it["type"] != c.typ || it["actor"] != c.actor || mobilizon.IDOf(it["object"]) != f.URIs().EventID(ev.UUID) {
			t.Fatalf("%s item: %v", c.path, it)
		}
	}
	if rec := serve(f, "GET", "/@"+a.Slug+"/outbox?page=x", "application/activity+json"); rec.Code != 400 {
		t.Fatalf("bad page: %d", rec.Code)
	}
}

// TestActorDeleted: a Delete of the actor itself (an account closed on its
// server) removes its follows of our actors.
func TestActorDeleted(t *testing.T) {
	ctx := context.Background()
	f, s, a, _ := goldenFixture(t)
	ann := "https://mobilizon.example/@ann"
	if _, err := s.GetFollower(ctx, a.ID, ann); err != nil {
		t.Fatal(err)
	}
	if err := f.process(ctx, map[string]any{"type": "Delete", "id": ann + "#delete", "actor": ann, "object": ann}, ann); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetFollower(ctx, a.ID, ann); err == nil {
		t.Fatal("a deleted actor still follows the association")
	}
}
