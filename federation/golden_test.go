package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
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

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenClock is the fixed time of the golden tests.
var goldenClock = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

// newOffline builds a federation side that is never served: everything it
// publishes is read back from the delivery queue.
func newOffline(t *testing.T) (*Federation, *db.Store) {
	t.Helper()
	s := dbtest.New(t)
	f, err := New(s, nil, Config{BaseURL: "https://bastide.example", Now: func() time.Time { return goldenClock }})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	f.token = func() string { n++; return fmt.Sprintf("t%d", n) }
	u := 0
	f.newUUID = func() string { u++; return fmt.Sprintf("00000000-0000-4000-8000-%012d", u) }
	t.Cleanup(func() { validateSent(t, s) })
	return f, s
}

// queued returns the activities queued after id `after`, with the inboxes
// each goes to.
func queued(t *testing.T, s *db.Store, after int64) (acts []map[string]any, inboxes [][]string, last int64) {
	t.Helper()
	rows, err := s.Reader().Query(`SELECT a.id, a.body, ifnull(group_concat(d.inbox, ' '), '') FROM activities a
		LEFT JOIN deliveries d ON d.activity_id = a.id WHERE a.id > ? GROUP BY a.id ORDER BY a.id`, after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	last = after
	for rows.Next() {
		var body, in string
		if err := rows.Scan(&last, &body, &in); err != nil {
			t.Fatal(err)
		}
		m, err := mobilizon.Decode([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		acts = append(acts, m)
		inboxes = append(inboxes, strings.Fields(in))
	}
	return acts, inboxes, last
}

// checkGolden compares an outgoing activity with testdata/golden/name and
// runs Mobilizon's ingest rules on it. Store timestamps (published/updated
// of the Event, set by the database clock) are pinned first.
func checkGolden(t *testing.T, name string, act map[string]any) {
	t.Helper()
	if pk, ok := act["publicKey"].(map[string]any); !ok || pk["publicKeyPem"] != "(generated)" {
		if probs := mobilizon.Validate(act); len(probs) > 0 {
			t.Errorf("%s: Mobilizon would not take it as meant: %v", name, probs)
		}
	}
	for _, m := range []any{act, act["object"]} {
		if obj, ok := m.(map[string]any); ok && (mobilizon.TypeOf(obj) == "Event" || mobilizon.TypeOf(obj) == "Group") {
			for _, k := range []string{"published", "updated"} {
				if _, ok := obj[k]; ok {
					obj[k] = "2026-05-01T00:00:00Z"
				}
			}
		}
	}
	got, err := json.MarshalIndent(act, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func goldenFixture(t *testing.T) (*Federation, *db.Store, *model.Association, *model.Calendar) {
	t.Helper()
	f, s := newOffline(t)
	ctx := context.Background()
	a, cal := dbtest.Association(t, s, "les-amis-du-pruneau")
	a.Name, a.Description = "Les Amis du Pruneau", "Fêtes et marchés autour du pruneau d'Agen."
	if err := s.UpdateAssociation(ctx, a); err != nil {
		t.Fatal(err)
	}
	// A Mobilizon user follows the Group, a Mobilizon instance the relay.
	for _, fl := range []struct {
		assoc int64
		actor string
	}{{a.ID, "https://mobilizon.example/@ann"}, {0, "https://mobilizon.example/relay"}} {
		if err := s.PutRemoteActor(ctx, &db.RemoteActor{APID: fl.actor, Type: "Person", Inbox: fl.actor + "/inbox",
			SharedInbox: "https://mobilizon.example/inbox"}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutFollower(ctx, &db.Follower{AssociationID: fl.assoc, ActorID: fl.actor, FollowID: fl.actor + "/follow/1",
			FollowJSON: `{}`, State: db.FollowAccepted}); err != nil {
			t.Fatal(err)
		}
	}
	return f, s, a, cal
}

func goldenEvent(t *testing.T, s *db.Store, calID int64, summary string) *model.Event {
	t.Helper()
	p := &model.Place{Name: "Halle de Villeneuve", Street: "Place Lafayette", PostalCode: "47300", Locality: "Villeneuve-sur-Lot",
		CommuneINSEE: "47323", Lat: 44.408, Lon: 0.705, HasGeo: true}
	if err := s.EnsurePlace(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 6, 20, 18, 0, 0, 0, time.UTC)
	ev := dbtest.Event(calID, "fete-du-pruneau", start, summary)
	ev.UUID = "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"
	ev.TZID = "Europe/Paris"
	ev.Description = "Marché, dégustations et bal.\nEntrée libre."
	ev.Location = "Halle de Villeneuve, Place Lafayette, 47300 Villeneuve-sur-Lot"
	ev.PlaceID, ev.CommuneINSEE, ev.Lat, ev.Lon, ev.HasGeo = p.ID, p.CommuneINSEE, p.Lat, p.Lon, true
	ev.Categories = []string{"Fête", "Marché"}
	return ev
}

// TestGoldenActivities: every kind of activity Bastide sends, compared
// with a golden document and checked against Mobilizon's ingest rules.
func TestGoldenActivities(t *testing.T) {
	ctx := context.Background()
	f, s, a, cal := goldenFixture(t)
	group := f.URIs().ActorID(a.Slug)

	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.publishPending(ctx); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, last := queued(t, s, 0)
	if len(acts) != 2 || acts[0]["type"] != "Create" || acts[1]["type"] != "Announce" {
		t.Fatalf("after a new event: %v", acts)
	}
	// Both followers share Mobilizon's shared inbox: one delivery.
	if len(inboxes[0]) != 1 || inboxes[0][0] != "https://mobilizon.example/inbox" || len(inboxes[1]) != 1 {
		t.Fatalf("Create inboxes %v, Announce inboxes %v", inboxes[0], inboxes[1])
	}
	if acts[0]["actor"] != group || acts[1]["actor"] != f.URIs().RelayID() {
		t.Fatalf("actors %v, %v", acts[0]["actor"], acts[1]["actor"])
	}
	checkGolden(t, "create.json", acts[0])
	checkGolden(t, "announce.json", acts[1])

	// Publishing again with nothing changed sends nothing.
	if _, err := f.publishPending(ctx); err != nil {
		t.Fatal(err)
	}
	if more, _, _ := queued(t, s, last); len(more) != 0 {
		t.Fatalf("nothing changed, yet %d activities were queued", len(more))
	}

	upd := goldenEvent(t, s, cal.ID, "Fête du pruneau (annulée)")
	upd.Status = model.StatusCancelled
	if _, err := s.PutEvent(ctx, db.Put{Event: upd}); err != nil {
		t.Fatal(err)
	}
	f.publishPending(ctx)
	acts, _, last = queued(t, s, last)
	// The Update, then the relay's Announce of the new state (Mobilizon's
	// listing follows the Announces).
	if len(acts) != 2 || acts[0]["type"] != "Update" || acts[1]["type"] != "Announce" {
		t.Fatalf("after an update: %v", countTypes(acts))
	}
	if obj := acts[1]["object"].(map[string]any); obj["status"] != "CANCELLED" || acts[1]["actor"] != f.URIs().RelayID() {
		t.Fatalf("Announce of the update: actor %v, object status %v", acts[1]["actor"], obj["status"])
	}
	if obj := acts[0]["object"].(map[string]any); obj["status"] != "CANCELLED" || obj["id"] != f.URIs().EventID(ev.UUID) {
		t.Fatalf("Update object status %v id %v", obj["status"], obj["id"])
	}
	checkGolden(t, "update.json", acts[0])

	if _, err := s.DeleteEvent(ctx, cal.ID, upd.Href, ""); err != nil {
		t.Fatal(err)
	}
	f.publishPending(ctx)
	acts, _, last = queued(t, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Delete" {
		t.Fatalf("after a deletion: %v", acts)
	}
	checkGolden(t, "delete.json", acts[0])

	// Accept of a Follow, carrying the Follow exactly as it came.
	follow := map[string]any{"id": "https://mobilizon.example/follow/7d5b", "type": "Follow",
		"actor": "https://mobilizon.example/@bob", "object": group, "to": []any{group}, "cc": []any{mobilizon.Public}}
	if err := s.PutRemoteActor(ctx, &db.RemoteActor{APID: "https://mobilizon.example/@bob", Type: "Person",
		Inbox: "https://mobilizon.example/@bob/inbox", SharedInbox: "https://mobilizon.example/inbox"}); err != nil {
		t.Fatal(err)
	}
	if err := f.onFollow(ctx, follow, "https://mobilizon.example/@bob"); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, last = queued(t, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Accept" || inboxes[0][0] != "https://mobilizon.example/inbox" {
		t.Fatalf("after a Follow: %v %v", acts, inboxes)
	}
	checkGolden(t, "accept.json", acts[0])

	checkGolden(t, "follow.json", f.followActivity(f.URIs().FollowActivityID(f.newUUID()), "https://mobilizon.example/@club"))
}

// TestGoldenActors: the Group, the relay and an Event as served.
func TestGoldenActors(t *testing.T) {
	f, s, a, cal := goldenFixture(t)
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(context.Background(), db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, name string }{
		{"/@" + a.Slug, "group.json"}, {"/relay", "relay.json"}, {"/events/" + ev.UUID, "event.json"},
	} {
		rec := serve(f, "GET", c.path, "application/activity+json")
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/activity+json") {
			t.Fatalf("%s: %d %s", c.path, rec.Code, rec.Header().Get("Content-Type"))
		}
		doc, err := mobilizon.Decode(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if pk, ok := doc["publicKey"].(map[string]any); ok {
			if _, err := ParsePublicKey(pk["publicKeyPem"].(string)); err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			if pk["id"] != doc["id"].(string)+"#main-key" {
				t.Fatalf("%s: key id %v", c.path, pk["id"])
			}
			if probs := mobilizon.Validate(doc); len(probs) > 0 {
				t.Errorf("%s: Mobilizon would not take it as meant: %v", c.name, probs)
			}
			pk["publicKeyPem"] = "(generated)"
		}
		checkGolden(t, c.name, doc)
	}
}
