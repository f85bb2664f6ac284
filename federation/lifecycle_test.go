package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// TestFollowersLifecycle: a Follow of a Group is Accepted by the Group with
// the Follow as it came (Mobilizon's shape and id), a Follow of the relay
// by the relay; an association that approves followers by hand keeps the
// Follow pending and sends nothing until its owner decides, then a Reject
// (or Accept) carrying the Follow; only accepted followers get events; an
// Undo removes the follower, but only from the follower itself.
func TestFollowersLifecycle(t *testing.T) {
	ctx := context.Background()
	f, s, a, cal := goldenFixture(t)
	group := f.URIs().ActorID(a.Slug)
	followers := map[string]string{}
	for _, name := range []string{"bob", "carl", "dana", "eve"} {
		id := "https://mz" + name + ".example/@" + name
		followers[name] = id
		if err := s.PutRemoteActor(ctx, &db.RemoteActor{APID: id, Type: "Person", Inbox: id + "/inbox",
			SharedInbox: "https://mz" + name + ".example/inbox"}); err != nil {
			t.Fatal(err)
		}
	}
	follow := func(who, object string) map[string]any {
		return map[string]any{"@context": mobilizon.Context(), "id": "https://mz" + who + ".example/follow/" + who,
			"type": "Follow", "actor": followers[who], "object": object, "to": []any{object}, "cc": []any{mobilizon.Public}}
	}
	_, _, last := queued(t, s, 0)

	// Bob follows the Group: Accept from the Group, to Bob's shared inbox.
	fb := follow("bob", group)
	if err := f.process(ctx, fb, followers["bob"]); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, last := queued(t, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Accept" {
		t.Fatalf("after Bob's Follow: %v", acts)
	}
	acc := acts[0]
	want := map[string]any{}
	for k, v := range fb {
		if k != "@context" {
			want[k] = v
		}
	}
	if acc["actor"] != group || !reflect.DeepEqual(acc["object"], want) || !strings.HasPrefix(mobilizon.IDOf(acc), f.URIs().Base()+"/") ||
		!reflect.DeepEqual(acc["to"], []any{followers["bob"]}) || inboxes[0][0] != "https://mzbob.example/inbox" {
		t.Fatalf("Accept %v to %v, want actor %s and the Follow %v", acc, inboxes[0], group, want)
	}
	checkMobilizon(t, acts)

	// Carl follows the relay: Accept from the relay.
	if err := f.process(ctx, follow("carl", f.URIs().RelayID()), followers["carl"]); err != nil {
		t.Fatal(err)
	}
	acts, _, last = queued(t, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Accept" || acts[0]["actor"] != f.URIs().RelayID() {
		t.Fatalf("after Carl's Follow of the relay: %v", acts)
	}

	// The association now approves followers by hand.
	a.ManuallyApprovesFollowers = true
	if err := s.UpdateAssociation(ctx, a); err != nil {
		t.Fatal(err)
	}
	var g map[string]any
	json.Unmarshal(serve(f, "GET", "/@"+a.Slug, "application/activity+json").Body.Bytes(), &g)
	if g["manuallyApprovesFollowers"] != true {
		t.Fatalf("the Group does not say it approves followers by hand: %v", g["manuallyApprovesFollowers"])
	}
	for _, who := range []string{"dana", "eve"} {
		if err := f.process(ctx, follow(who, group), followers[who]); err != nil {
			t.Fatal(err)
		}
	}
	if acts, _, _ := queued(t, s, last); len(acts) != 0 {
		t.Fatalf("answers sent before the owner decided: %v", acts)
	}
	fs, err := f.Followers(ctx, a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, fl := range fs {
		states[fl.ActorID] = fl.State
	}
	if states[followers["dana"]] != db.FollowPending || states[followers["eve"]] != db.FollowPending || states[followers["bob"]] != db.FollowAccepted {
		t.Fatalf("followers listed: %v", states)
	}
	// A pending follower gets no event.
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.publishPending(ctx); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, last = queued(t, s, last)
	for i, act := range acts {
		for _, in := range inboxes[i] {
			if strings.Contains(in, "mzdana") || strings.Contains(in, "mzeve") {
				t.Fatalf("%v delivered to pending follower %s", act["type"], in)
			}
		}
	}
	if err := f.DecideFollower(ctx, a.Slug, followers["dana"], false); err != nil {
		t.Fatal(err)
	}
	if err := f.DecideFollower(ctx, a.Slug, followers["eve"], true); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, last = queued(t, s, last)
	if len(acts) != 2 || acts[0]["type"] != "Reject" || acts[1]["type"] != "Accept" {
		t.Fatalf("owner's decisions: %v", countTypes(acts))
	}
	if acts[0]["actor"] != group || mobilizon.IDOf(acts[0]["object"]) != "https://mzdana.example/follow/dana" ||
		inboxes[0][0] != "https://mzdana.example/inbox" {
		t.Fatalf("Reject %v to %v", acts[0], inboxes[0])
	}
	checkMobilizon(t, acts)

	// Undo: by somebody else it changes nothing; by Bob it removes him.
	undo := map[string]any{"@context": mobilizon.Context(), "id": "https://mzbob.example/unfollow/1/activity", "type": "Undo",
		"actor": followers["bob"], "to": []any{group}, "object": map[string]any{"id": fb["id"], "type": "Follow",
			"actor": followers["bob"], "object": group}}
	forged := map[string]any{"id": "https://mzeve.example/undo/1", "type": "Undo", "actor": followers["eve"], "object": undo["object"]}
	f.process(ctx, forged, followers["eve"])
	if fl, err := s.GetFollower(ctx, a.ID, followers["bob"]); err != nil || fl.State != db.FollowAccepted {
		t.Fatalf("Bob after Eve's forged Undo: %+v, %v", fl, err)
	}
	if err := f.process(ctx, undo, followers["bob"]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetFollower(ctx, a.ID, followers["bob"]); err == nil {
		t.Fatal("Bob still follows after his Undo")
	}
	upd := goldenEvent(t, s, cal.ID, "Fête du pruneau (reportée)")
	if _, err := s.PutEvent(ctx, db.Put{Event: upd}); err != nil {
		t.Fatal(err)
	}
	f.publishPending(ctx)
	acts, inboxes, _ = queued(t, s, last)
	if len(acts) != 2 || acts[0]["type"] != "Update" || acts[1]["type"] != "Announce" {
		t.Fatalf("after the update: %v, want the Update and the relay's Announce", countTypes(acts))
	}
	got := strings.Join(inboxes[0], " ")
	if strings.Contains(got, "mzbob") || strings.Contains(got, "mzdana") || !strings.Contains(got, "mzeve") || !strings.Contains(got, "mzcarl") {
		t.Fatalf("Update delivered to %v: want Eve (accepted) and Carl (relay), not Bob (gone) nor Dana (rejected)", got)
	}
}

// TestPeriodicRefresh: Mobilizon never retries a push, so followed
// sources are read again every RefreshInterval (injected clock): an event
// whose push was missed arrives at the next refresh, not before; an
// upcoming event the listing no longer shows is fetched from its origin,
// removed when gone (410), updated when changed. Drafts are never stored,
// pushed or backfilled.
func TestPeriodicRefresh(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Now()}
	in := newInstance(t, func(c *Config) { c.Now = clock.Now; c.RefreshInterval = 6 * time.Hour })
	st := newStub(t)
	base := st.URL()
	group := base + "/@marche"
	gdoc := st.actorDoc("/@marche", "Group")
	gdoc["endpoints"].(map[string]any)["events"] = group + "/events"
	gdoc["events"] = group + "/events"
	st.doc("/@marche", gdoc)
	st.actor("/@jeanne", "Person")
	var mu sync.Mutex
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	draft := mzEvent(base, mzUUID(2), "Brouillon de marché", start)
	draft["draft"] = true
	items := []any{mzEvent(base, mzUUID(1), "Marché du samedi", start), draft}
	st.handle("/@marche/events", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/activity+json")
		coll := group + "/events"
		json.NewEncoder(w).Encode(map[string]any{"@context": mobilizon.Context(), "id": coll, "type": "OrderedCollection",
			"totalItems": len(items), "first": map[string]any{"id": coll + "?page=1", "type": "OrderedCollectionPage",
				"partOf": coll, "orderedItems": items}})
	})
	fl, _, err := in.fed.Follow(ctx, group, true)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the first backfill", func() bool {
		_, err := in.store.GetEventByAPID(ctx, base+"/events/"+mzUUID(1))
		return err == nil
	})
	if _, err := in.store.GetEventByAPID(ctx, base+"/events/"+mzUUID(2)); err == nil {
		t.Fatal("a draft was backfilled")
	}
	reads := st.getCount("/@marche/events")

	// A push Bastide missed (Mobilizon does not retry): only in the collection.
	mu.Lock()
	items = append(items, mzEvent(base, mzUUID(3), "Marché de nuit", start.Add(24*time.Hour)))
	mu.Unlock()
	clock.Set(clock.Now().Add(5 * time.Hour))
	wake(in.fed.wakeRefresh)
	time.Sleep(300 * time.Millisecond)
	if n := st.getCount("/@marche/events"); n != reads {
		t.Fatalf("read again %d times after 5 h, before the 6 h interval", n-reads)
	}
	clock.Set(clock.Now().Add(90 * time.Minute))
	wake(in.fed.wakeRefresh)
	// The event is stored during the refresh, and the refresh recorded at
	// its end: wait for both (waiting for the event alone raced the record).
	eventually(t, 20*time.Second, "the missed event and the refresh recorded", func() bool {
		_, err := in.store.GetEventByAPID(ctx, base+"/events/"+mzUUID(3))
		got, ferr := in.store.GetFollow(ctx, group)
		return err == nil && ferr == nil && !got.RefreshedAt.Before(clock.Now().Add(-time.Minute))
	})

	// Missed Delete and missed cancelling Update: both events leave the
	// listing; at the next refresh each is fetched from its origin, the
	// deleted one (410) is removed, the other updated.
	gone, moved := mzUUID(1), mzUUID(3)
	cancelled := mzEvent(base, moved, "Marché de nuit", start.Add(24*time.Hour))
	cancelled["status"], cancelled["ical:status"] = "CANCELLED", "CANCELLED"
	cancelled["@context"] = mobilizon.Context()
	st.doc("/events/"+moved, cancelled)
	st.handle("/events/"+gone, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/activity+json")
		w.WriteHeader(http.StatusGone)
		json.NewEncoder(w).Encode(map[string]any{"type": "Tombstone", "id": base + "/events/" + gone})
	})
	mu.Lock()
	items = []any{draft}
	mu.Unlock()
	clock.Set(clock.Now().Add(6*time.Hour + time.Minute))
	wake(in.fed.wakeRefresh)
	eventually(t, 20*time.Second, "the missed Delete and cancellation to be caught", func() bool {
		_, err := in.store.GetEventByAPID(ctx, base+"/events/"+gone)
		ev, err2 := in.store.GetEventByAPID(ctx, base+"/events/"+moved)
		return err != nil && err2 == nil && ev.Status == "CANCELLED"
	})

	// A pushed draft is not stored either.
	d2 := mzEvent(base, mzUUID(4), "Autre brouillon", start)
	d2["draft"] = true
	if err := in.fed.process(ctx, map[string]any{"type": "Create", "id": fmt.Sprint(d2["id"], "/activity"), "actor": base + "/@jeanne",
		"to": []any{mobilizon.Public}, "object": d2}, base+"/@jeanne"); err != nil {
		t.Fatal(err)
	}
	if _, err := in.store.GetEventByAPID(ctx, base+"/events/"+mzUUID(4)); err == nil {
		t.Fatal("a pushed draft was stored")
	}
	evs, _ := in.store.ListEvents(ctx, fl.CalendarID, false)
	if len(evs) != 1 {
		t.Fatalf("%d events in the source's calendar, want 1", len(evs))
	}
}
