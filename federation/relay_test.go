package federation

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/mobilizon"
)

// TestLateRelayFollower: a Mobilizon instance that follows the relay
// after events were published is announced every upcoming one (what
// Mobilizon needs to list them), not the past ones; afterwards an
// updated event is announced again after its Update, and a new one
// after its Create.
func TestLateRelayFollower(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, nil)
	_, cal := dbtest.Association(t, in.store, "club")
	now := time.Now().Truncate(time.Minute)
	put := func(uid, summary string, start time.Time) *model.Event {
		t.Helper()
		ev := dbtest.Event(cal.ID, uid, start, summary)
		if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	var upcoming []*model.Event
	for i, s := range []string{"Marché", "Concert", "Bal"} {
		upcoming = append(upcoming, put(s, s, now.Add(time.Duration(24*(i+1))*time.Hour)))
	}
	past := put("loto", "Loto", now.Add(-72*time.Hour))
	eventually(t, 20*time.Second, "the events published", func() bool {
		for _, ev := range append(upcoming, past) {
			if p, err := in.store.GetPublished(ctx, ev.UUID); err != nil || p.State != db.PublishedLive {
				return false
			}
		}
		return true
	})

	mz := newStub(t)
	relay := mz.actor("/relay", "Application")
	follow := mustJSON(t, map[string]any{"@context": mobilizon.Context(), "id": mz.URL() + "/follow/1", "type": "Follow",
		"actor": relay, "object": in.fed.URIs().RelayID()})
	if resp := signedPost(t, in.fed.URIs().SharedInbox(), relay+"#main-key", mz.keyFor(), follow); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("Follow of the relay: %d", resp.StatusCode)
	}
	announced := func(id string) []string {
		var kinds []string
		for _, p := range mz.received() {
			if mobilizon.IDOf(p.act["object"]) == id {
				kinds = append(kinds, p.act["type"].(string))
			}
		}
		return kinds
	}
	eventually(t, 20*time.Second, "an Announce of each upcoming event", func() bool {
		for _, ev := range upcoming {
			if len(announced(in.fed.URIs().EventID(ev.UUID))) != 1 {
				return false
			}
		}
		return true
	})
	for _, p := range mz.received() {
		switch p.act["type"] {
		case "Accept":
		case "Announce":
			if p.act["actor"] != in.fed.URIs().RelayID() || p.path != "/inbox" {
				t.Errorf("Announce by %v to %s, want the relay to the shared inbox", p.act["actor"], p.path)
			}
			if probs := mobilizon.Validate(p.act); len(probs) > 0 {
				t.Errorf("Announce %v: %v", p.act["id"], probs)
			}
			checkSignedBy(t, mz.URL(), p, in.fed.URIs().RelayID())
		default:
			t.Errorf("the new follower got a %v", p.act["type"])
		}
	}
	if k := announced(in.fed.URIs().EventID(past.UUID)); len(k) != 0 {
		t.Errorf("the past event was sent to the new follower: %v", k)
	}

	// Updated afterwards: Update, then Announce again. Created: Create,
	// then Announce.
	put("Concert", "Concert (complet)", upcoming[1].Start)
	fresh := put("Vide-grenier", "Vide-grenier", now.Add(96*time.Hour))
	for ev, want := range map[string][]string{upcoming[1].UUID: {"Announce", "Update", "Announce"}, fresh.UUID: {"Create", "Announce"}} {
		id := in.fed.URIs().EventID(ev)
		eventually(t, 20*time.Second, "the Update and Create announced", func() bool { return len(announced(id)) == len(want) })
		if got := announced(id); !slices.Equal(got, want) {
			t.Errorf("%s: received %v, want %v", id, got, want)
		}
	}
}

// TestPublisherWokenByCommit: a write in this process wakes the publisher
// (and the deliveries after it) at once; the poll is only for other
// processes' writes. With the poll made an hour long, an event written
// still reaches a follower, as does its deletion.
func TestPublisherWokenByCommit(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, func(c *Config) { c.PollInterval = time.Hour })
	assoc, cal := dbtest.Association(t, in.store, "club")
	rcv := newReceiver(t)
	rcv.follow(t, in.store, assoc.ID, "ann")
	ev := dbtest.Event(cal.ID, "concert", time.Now().Add(48*time.Hour).Truncate(time.Minute), "Concert")
	if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	id := in.fed.URIs().EventID(ev.UUID)
	eventually(t, 20*time.Second, "the Create at the follower", func() bool { return rcv.shown()[id] == "Concert" })
	if _, err := in.store.DeleteEvent(ctx, cal.ID, ev.Href, ""); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the Delete at the follower", func() bool { return len(rcv.story(id)) == 2 })
}
