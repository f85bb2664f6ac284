package federation

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// fixtureHosts are the origins the Mobilizon fixtures name; the tests
// serve them all from one stub on 127.0.0.1.
var fixtureHosts = []string{
	"https://mobilizon.fr", "http://mobilizon1.com", "https://demo.gancio.org", "https://social.tcit.fr",
	"http://localtesting.pleroma.lol", "http://mobilizon.test", "http://mobilizon2.test", "http://mobilizon2.com",
	"http://mastodon.example.org", "https://framapiaf.org", "https://event1.tcit.fr", "https://remote.example",
	"http://remote.example", "https://remote.gancio.org",
}

type fixtureEnv struct {
	t    *testing.T
	dir  string
	in   *instance
	stub *stub
	// extra rewrites applied before the hosts.
	extra []string
}

func (e *fixtureEnv) read(name string) []byte {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, name))
	if err != nil {
		e.t.Fatal(err)
	}
	return []byte(e.rewrite(string(b)))
}

func (e *fixtureEnv) rewrite(s string) string {
	for i := 0; i+1 < len(e.extra); i += 2 {
		s = strings.ReplaceAll(s, e.extra[i], e.extra[i+1])
	}
	for _, h := range fixtureHosts {
		s = strings.ReplaceAll(s, h, e.stub.URL())
	}
	return s
}

// deliver POSTs an activity to the shared inbox signed by its actor's key
// and waits until the worker has processed it.
func (e *fixtureEnv) deliver(body []byte, wantStatus int) {
	e.t.Helper()
	var act map[string]any
	if err := json.Unmarshal(body, &act); err != nil {
		e.t.Fatal(err)
	}
	actor := mobilizon.IDOf(act["actor"])
	resp := signedPost(e.t, e.in.fed.URIs().SharedInbox(), actor+"#main-key", e.stub.key, body)
	if resp.StatusCode != wantStatus {
		e.t.Fatalf("inbox answered %d, want %d", resp.StatusCode, wantStatus)
	}
	eventually(e.t, 5*time.Second, "the inbox queue to drain", func() bool {
		n, err := e.in.store.InboxQueueLen(context.Background())
		return err == nil && n == 0
	})
}

func (e *fixtureEnv) event(apID string) *model.Event {
	e.t.Helper()
	ev, err := e.in.store.GetEventByAPID(context.Background(), apID)
	if err != nil {
		e.t.Fatalf("event %s not stored: %v", apID, err)
	}
	return ev
}

func (e *fixtureEnv) noEvent(apID string) {
	e.t.Helper()
	if _, err := e.in.store.GetEventByAPID(context.Background(), apID); err == nil {
		e.t.Fatalf("event %s stored, want none", apID)
	}
}

// TestMobilizonFixtures feeds every fixture that carries an event, an
// actor, a follow or a collection through Bastide, signed as its actor,
// and checks it is taken as Mobilizon means it.
func TestMobilizonFixtures(t *testing.T) {
	dir := fixtureDir(t)
	ctx := context.Background()
	in := newInstance(t, nil)
	st := newStub(t)
	assoc, _ := dbtest.Association(t, in.store, "club")
	group := in.fed.URIs().ActorID("club")
	e := &fixtureEnv{t: t, dir: dir, in: in, stub: st,
		extra: []string{"http://localtesting.pleroma.lol/users/lain", group}}
	for _, p := range []string{"/@metacartes", "/@user", "/users/tcit", "/@thomas0", "/users/admin", "/users/framasoft",
		"/users/peertube", "/users/gargron", "/@admin", "/@organizer"} {
		st.actor(p, "Person")
	}
	st.actor("/@group", "Group")
	st.actor("/relay", "Application")
	// Gancio's own actor document, with the stub's key in place of its own.
	var gancio map[string]any
	if err := json.Unmarshal(e.read("gancio-actor.json"), &gancio); err != nil {
		t.Fatal(err)
	}
	gancio["publicKey"].(map[string]any)["publicKeyPem"] = spkiPublicPEM(t, st.key)
	st.doc("/federation/u/gancio", gancio)

	// Bastide follows the stub instance's relay, trusted.
	fl, _, err := in.fed.Follow(ctx, st.URL()+"/relay", true)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "our Follow to reach the stub", func() bool {
		for _, p := range st.received() {
			if mobilizon.TypeOf(p.act) == "Follow" && p.act["object"] == st.URL()+"/relay" && p.act["actor"] == in.fed.URIs().RelayID() {
				return true
			}
		}
		return false
	})

	t.Run("mobilizon-post-activity", func(t *testing.T) {
		e.t = t
		e.deliver(e.read("mobilizon-post-activity.json"), http.StatusAccepted)
		ev := e.event(st.URL() + "/events/39a0c4a6-f2b6-41dc-bbe2-fc5bff76cc93")
		want := time.Date(2018, 2, 12, 14, 8, 20, 0, time.UTC)
		if ev.Summary != "My first event" || !ev.Start.Equal(want) || ev.CalendarID != fl.CalendarID ||
			ev.Origin != model.OriginRemote || ev.Moderation != model.ModerationApproved {
			t.Fatalf("stored %q at %v in calendar %d (%s, %s)", ev.Summary, ev.Start, ev.CalendarID, ev.Origin, ev.Moderation)
		}
		if !strings.Contains(ev.Location, "Locaux de Framasoft") || ev.PlaceID == 0 {
			t.Fatalf("location %q, place %d", ev.Location, ev.PlaceID)
		}
		if !strings.Contains(ev.Data, "BEGIN:VEVENT") || !strings.Contains(ev.Data, "SUMMARY:My first event") {
			t.Fatalf("no iCalendar text stored: %q", ev.Data)
		}
		p, err := in.store.GetPlace(ctx, ev.PlaceID)
		if err != nil || p.Locality != "Lyon" || p.PostalCode != "69007" || p.Street != "10 Rue Jangot" {
			t.Fatalf("place %+v, %v", p, err)
		}
	})
	t.Run("mobilizon-post-activity-media", func(t *testing.T) {
		e.t = t
		e.deliver(e.read("mobilizon-post-activity-media-1.json"), http.StatusAccepted)
		e.deliver(e.read("mobilizon-post-activity-media-2.json"), http.StatusAccepted)
		ev := e.event(st.URL() + "/events/39a0c4a6-f2b6-41dc-bbe2-fc5bff76cc93")
		if ev.Summary != "My first event" {
			t.Fatalf("summary %q", ev.Summary)
		}
	})
	t.Run("mobilizon-post-activity-group", func(t *testing.T) {
		e.t = t
		e.deliver(e.read("mobilizon-post-activity-group.json"), http.StatusAccepted)
		ev := e.event(st.URL() + "/events/f270ae07-7991-453c-9bb7-3d2122ededae")
		// Addressed to the group only: unlisted for Mobilizon, so not on
		// the public agenda.
		if ev.Class != "CONFIDENTIAL" {
			t.Fatalf("class %q, want CONFIDENTIAL (not public in to)", ev.Class)
		}
		rows, err := in.store.ListInstances(ctx, db.InstanceQuery{From: ev.Start.Add(-time.Hour), To: ev.Start.Add(time.Hour), Public: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.Event.ID == ev.ID {
				t.Fatal("an unlisted group event is on the public agenda")
			}
		}
	})
	t.Run("gancio-event-activity", func(t *testing.T) {
		e.t = t
		e.deliver(e.read("gancio-event-activity.json"), http.StatusAccepted)
		ev := e.event(st.URL() + "/federation/m/1")
		if !ev.Start.Equal(time.Date(2021, 7, 14, 15, 30, 57, 0, time.UTC)) || !ev.End.Equal(time.Date(2021, 7, 14, 16, 30, 57, 0, time.UTC)) {
			t.Fatalf("times %v – %v, want 15:30:57Z – 16:30:57Z", ev.Start, ev.End)
		}
		if ev.Summary != "Demo event" || !strings.Contains(ev.Location, "Colosseo") {
			t.Fatalf("summary %q location %q", ev.Summary, ev.Location)
		}
	})
	t.Run("wordpress-gancio-without-start", func(t *testing.T) {
		e.t = t
		obj := map[string]any{}
		if err := json.Unmarshal(e.read("wordpress-event-bridge/gancio-v1.22.json"), &obj); err != nil {
			t.Fatal(err)
		}
		body := mustJSON(t, map[string]any{"type": "Create", "id": obj["id"].(string) + "#create", "actor": st.URL() + "/@organizer",
			"to": []any{mobilizon.Public}, "object": obj})
		e.deliver(body, http.StatusAccepted)
		e.noEvent(obj["id"].(string))
	})
	t.Run("gancio-locations", func(t *testing.T) {
		e.t = t
		for i, name := range []string{"gancio/physical-location-with-postal-address.json", "gancio/multiple-mixed-locations.json"} {
			var loc any
			if err := json.Unmarshal(e.read(name), &loc); err != nil {
				t.Fatal(err)
			}
			id := st.URL() + "/events/loc-" + string(rune('a'+i))
			body := mustJSON(t, createEvent(st.URL()+"/@organizer", id, "Rencontre "+string(rune('A'+i)), time.Now().Add(72*time.Hour), loc))
			e.deliver(body, http.StatusAccepted)
			ev := e.event(id)
			want := []string{"Location with a postal address", "Location with a name"}[i]
			if !strings.Contains(ev.Location, want) {
				t.Fatalf("%s: location %q, want %q", name, ev.Location, want)
			}
		}
	})
	t.Run("mastodon-announce", func(t *testing.T) {
		e.t = t
		statusID := st.URL() + "/users/peertube/statuses/104584600044284729"
		obj := createEvent(st.URL()+"/users/peertube", statusID, "Projection annoncée", time.Now().Add(96*time.Hour), nil)["object"].(map[string]any)
		obj["@context"] = mobilizon.Context()
		st.doc("/users/peertube/statuses/104584600044284729", obj)
		e.deliver(e.read("mastodon-announce.json"), http.StatusAccepted)
		if ev := e.event(statusID); ev.Summary != "Projection annoncée" {
			t.Fatalf("announced event stored as %q", ev.Summary)
		}
	})
	t.Run("mastodon-delete", func(t *testing.T) {
		e.t = t
		statusID := st.URL() + "/users/gargron/statuses/99620895606148759"
		e.deliver(mustJSON(t, createEvent(st.URL()+"/users/gargron", statusID, "Événement supprimé", time.Now().Add(24*time.Hour), nil)), http.StatusAccepted)
		e.event(statusID)
		e.deliver(e.read("mastodon-delete.json"), http.StatusAccepted)
		e.noEvent(statusID)
	})
	t.Run("mastodon-post-activity", func(t *testing.T) {
		e.t = t
		e.deliver(e.read("mastodon-post-activity.json"), http.StatusAccepted)
		e.noEvent(st.URL() + "/users/admin/statuses/99512778738411822")
	})
	t.Run("mobilizon-join-leave", func(t *testing.T) {
		e.t = t
		e.deliver(e.read("mobilizon-join-activity.json"), http.StatusAccepted)
		e.deliver(e.read("mobilizon-leave-activity.json"), http.StatusAccepted)
	})
	t.Run("mastodon-follow-and-unfollow", func(t *testing.T) {
		e.t = t
		before := len(st.received())
		follow := e.read("mastodon-follow-activity.json")
		e.deliver(follow, http.StatusAccepted)
		actor := st.URL() + "/users/tcit"
		f, err := in.store.GetFollower(ctx, assoc.ID, actor)
		if err != nil || f.State != db.FollowAccepted || f.FollowID != actor+"#follows/2" {
			t.Fatalf("follower %+v, %v", f, err)
		}
		var accept stubPost
		eventually(t, 20*time.Second, "the Accept at the follower's inbox", func() bool {
			for _, p := range st.received()[before:] {
				if mobilizon.TypeOf(p.act) == "Accept" {
					accept = p
					return true
				}
			}
			return false
		})
		obj, _ := accept.act["object"].(map[string]any)
		if accept.act["actor"] != group || mobilizon.IDOf(obj) != actor+"#follows/2" || obj["object"] != group || obj["actor"] != actor {
			t.Fatalf("Accept %s", accept.body)
		}
		if accept.path != "/inbox" {
			t.Fatalf("Accept posted to %s, want the shared inbox", accept.path)
		}
		if probs := mobilizon.Validate(accept.act); len(probs) > 0 {
			t.Fatalf("Mobilizon would not take our Accept: %v", probs)
		}
		checkSignedBy(t, st.URL(), accept, group)

		e.deliver(e.read("mastodon-unfollow-activity.json"), http.StatusAccepted)
		if _, err := in.store.GetFollower(ctx, assoc.ID, actor); err == nil {
			t.Fatal("the follower is still there after its Undo")
		}
	})
	t.Run("mastodon-accept-reject", func(t *testing.T) {
		e.t = t
		thomas := st.URL() + "/@thomas0"
		acc := &db.Follow{Object: thomas, FollowID: st.URL() + "/follows/fdfds", State: db.FollowPending, CalendarID: fl.CalendarID}
		if err := in.store.PutFollow(ctx, acc); err != nil {
			t.Fatal(err)
		}
		admin := st.URL() + "/users/admin"
		rej := &db.Follow{Object: admin, FollowID: e.rewrite("http://localtesting.pleroma.lol/users/lain#follows/4"), State: db.FollowPending, CalendarID: fl.CalendarID}
		if err := in.store.PutFollow(ctx, rej); err != nil {
			t.Fatal(err)
		}
		e.deliver(e.read("mastodon-accept-activity.json"), http.StatusAccepted)
		e.deliver(e.read("mastodon-reject-activity.json"), http.StatusAccepted)
		if got, _ := in.store.GetFollow(ctx, thomas); got.State != db.FollowAccepted {
			t.Fatalf("follow of %s is %s after Accept", thomas, got.State)
		}
		if got, _ := in.store.GetFollow(ctx, admin); got.State != db.FollowRejected {
			t.Fatalf("follow of %s is %s after Reject", admin, got.State)
		}
	})
	t.Run("mastodon-update-actor", func(t *testing.T) {
		e.t = t
		e.deliver(e.read("mastodon-update.json"), http.StatusAccepted)
		a, err := in.store.GetRemoteActor(ctx, st.URL()+"/users/framasoft")
		if err != nil || a.Name != "nextsoft" || a.SharedInbox != st.URL()+"/inbox" {
			t.Fatalf("actor after Update: %+v, %v", a, err)
		}
	})
	t.Run("actors", func(t *testing.T) {
		e.t = t
		for _, c := range []struct{ name, typ, shared string }{
			{"mastodon-actor.json", "Person", st.URL() + "/inbox"},
			{"gancio-actor.json", "Application", ""},
		} {
			var doc map[string]any
			if err := json.Unmarshal(e.read(c.name), &doc); err != nil {
				t.Fatal(err)
			}
			a, err := parseActor(doc)
			if err != nil || a.Type != c.typ || a.SharedInbox != c.shared || a.KeyID != a.APID+"#main-key" {
				t.Fatalf("%s: %+v, %v", c.name, a, err)
			}
			if _, err := ParsePublicKey(a.PublicKeyPEM); err != nil {
				t.Fatalf("%s: key: %v", c.name, err)
			}
		}
		// Mobilizon's relay as recorded: PKCS#1 key, inbox = shared inbox.
		var cassette []struct {
			Response struct{ Body string } `json:"response"`
		}
		if err := json.Unmarshal(e.read("historical/fetch_relay_follow.json"), &cassette); err != nil {
			t.Fatal(err)
		}
		var relay map[string]any
		if err := json.Unmarshal([]byte(cassette[1].Response.Body), &relay); err != nil {
			t.Fatal(err)
		}
		a, err := parseActor(relay)
		if err != nil || a.Type != "Application" || a.DeliveryInbox() != st.URL()+"/inbox" {
			t.Fatalf("relay actor: %+v, %v", a, err)
		}
		if !strings.Contains(a.PublicKeyPEM, "BEGIN RSA PUBLIC KEY") {
			t.Fatal("the recorded relay key is not PKCS#1")
		}
		if _, err := ParsePublicKey(a.PublicKeyPEM); err != nil {
			t.Fatalf("PKCS#1 key: %v", err)
		}
	})
	t.Run("members-collection", func(t *testing.T) {
		e.t = t
		var coll map[string]any
		if err := json.Unmarshal(e.read("mobilizon-members-collection.json"), &coll); err != nil {
			t.Fatal(err)
		}
		st.doc("/@demo/members", coll)
		items, err := in.fed.pageOutbox(ctx, st.URL()+"/@demo/members")
		if err != nil || len(items) != 2 || mobilizon.TypeOf(items[0]) != "Member" {
			t.Fatalf("collection items %v, %v", items, err)
		}
	})
	t.Run("discovery-shapes", func(t *testing.T) {
		e.t = t
		// Our WebFinger answers in the shape of the minimal JRD Mobilizon accepts.
		var ref, ours struct {
			Subject string
			Links   []struct{ Rel, Type, Href string }
		}
		if err := json.Unmarshal(e.read("webfinger/gancio-webfinger.json"), &ref); err != nil {
			t.Fatal(err)
		}
		getJSON(t, in.fed.URIs().Base()+"/.well-known/webfinger?resource=acct:club@"+in.fed.URIs().Host(), "application/jrd+json", &ours)
		if ours.Subject != "acct:club@"+in.fed.URIs().Host() || ours.Links[0].Rel != ref.Links[0].Rel || ours.Links[0].Type != ref.Links[0].Type || ours.Links[0].Href != group {
			t.Fatalf("webfinger %+v (reference %+v)", ours, ref)
		}
		// NodeInfo carries the FEP-2677 Application link, as in the reference.
		var refNI, ni struct{ Links []struct{ Rel, Href string } }
		if err := json.Unmarshal(e.read("nodeinfo/wp-event-federation.json"), &refNI); err != nil {
			t.Fatal(err)
		}
		getJSON(t, in.fed.URIs().Base()+"/.well-known/nodeinfo", "application/json", &ni)
		found := false
		for _, l := range ni.Links {
			if l.Rel == refNI.Links[1].Rel && l.Href == in.fed.URIs().RelayID() {
				found = true
			}
		}
		if !found {
			t.Fatalf("nodeinfo links %+v lack %s", ni.Links, refNI.Links[1].Rel)
		}
		// host-meta has an lrdd template like the reference.
		type xrd struct {
			Links []struct {
				Rel      string `xml:"rel,attr"`
				Template string `xml:"template,attr"`
			} `xml:"Link"`
		}
		var refHM, hm xrd
		if err := xml.Unmarshal(e.read("webfinger/gancio-host-meta.xml"), &refHM); err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(in.fed.URIs().Base() + "/.well-known/host-meta")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := xml.Unmarshal(b, &hm); err != nil || hm.Links[0].Rel != refHM.Links[0].Rel ||
			hm.Links[0].Template != in.fed.URIs().Base()+"/.well-known/webfinger?resource={uri}" {
			t.Fatalf("host-meta %s: %v", b, err)
		}
	})
}

// createEvent builds a Create{Event} in Mobilizon's shape (our own test data).
func createEvent(actor, id, name string, start time.Time, location any) map[string]any {
	obj := map[string]any{
		"type": "Event", "id": id, "url": id, "name": name,
		"startTime":    start.UTC().Format(time.RFC3339),
		"endTime":      start.Add(2 * time.Hour).UTC().Format(time.RFC3339),
		"attributedTo": actor, "to": []any{mobilizon.Public}, "cc": []any{},
		"content":   "<p>Entrée libre.</p>",
		"mediaType": "text/html", "category": "MEETING", "joinMode": "free", "status": "CONFIRMED",
		"attachment": []any{}, "tag": []any{},
	}
	if location != nil {
		obj["location"] = location
	}
	return map[string]any{
		"@context": mobilizon.Context(), "type": "Create", "id": id + "/activity", "actor": actor,
		"to": []any{mobilizon.Public}, "cc": []any{}, "object": obj,
	}
}

func getJSON(t *testing.T, url, accept string, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// checkSignedBy verifies a POST we sent with the public key our actor
// document publishes, with the same strict checks as our inbox.
func checkSignedBy(t *testing.T, host string, p stubPost, actorID string) {
	t.Helper()
	var doc map[string]any
	getJSON(t, actorID, "application/activity+json", &doc)
	pemText := doc["publicKey"].(map[string]any)["publicKeyPem"].(string)
	key, err := ParsePublicKey(pemText)
	if err != nil {
		t.Fatal(err)
	}
	v := newVerifier(func(ctx context.Context, keyID string, refresh bool) (string, *rsa.PublicKey, error) {
		if keyID != actorID+"#main-key" {
			t.Fatalf("keyId %s, want %s#main-key", keyID, actorID)
		}
		return actorID, key, nil
	}, time.Now, time.Minute)
	req, _ := http.NewRequest(http.MethodPost, "http://stub"+p.path, nil)
	req.Header = p.header.Clone()
	req.Host = strings.TrimPrefix(host, "http://")
	if owner, err := v.verify(context.Background(), req, p.body); err != nil || owner != actorID {
		t.Fatalf("our signature does not verify: %v (%s)", err, p.header.Get("Signature"))
	}
}
