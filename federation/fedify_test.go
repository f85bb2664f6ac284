//go:build integration

package federation

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/federation/fedifytest"
)

// TestFedifyInterop: Fedify follows a Bastide Group (Bastide verifies
// Fedify's signatures), then receives and verifies, with its own code,
// the signed Accept, Create, Update and Delete Bastide sends.
func TestFedifyInterop(t *testing.T) {
	ctx := context.Background()
	peer := fedifytest.Start(t)
	in := newInstance(t, nil)
	assoc, cal := dbtest.Association(t, in.store, "club")
	group := in.fed.URIs().ActorID("club")

	peer.Follow(t, group)
	peerActor := peer.Actor()
	eventually(t, 20*time.Second, "Bastide to accept Fedify's Follow", func() bool {
		f, err := in.store.GetFollower(ctx, assoc.ID, peerActor)
		return err == nil && f.State == db.FollowAccepted
	})

	find := func(typ string) (fedifytest.Entry, bool) {
		for _, e := range peer.Log(t) {
			if e.Type == typ {
				return e, true
			}
		}
		return fedifytest.Entry{}, false
	}
	check := func(typ string) fedifytest.Entry {
		t.Helper()
		var e fedifytest.Entry
		eventually(t, 20*time.Second, "Fedify to receive the "+typ, func() bool {
			var ok bool
			e, ok = find(typ)
			return ok
		})
		if !e.Verified || e.KeyID != group+"#main-key" || e.Owner != group {
			t.Fatalf("Fedify did not verify Bastide's signed %s: %+v", typ, e)
		}
		eventually(t, 20*time.Second, "Fedify's inbox to handle the "+typ, func() bool {
			for _, x := range peer.Log(t) {
				if x.ID == e.ID && x.HandledBy == typ {
					return true
				}
			}
			return false
		})
		return e
	}
	acc := check("Accept")
	if obj, _ := acc.Raw["object"].(map[string]any); obj["actor"] != peerActor || obj["object"] != group {
		t.Fatalf("Accept object %v", acc.Raw["object"])
	}

	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	ev := dbtest.Event(cal.ID, "fedify-1", start, "Marché aux fleurs")
	ev.TZID = "Europe/Paris"
	if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	cr := check("Create")
	obj, _ := cr.Raw["object"].(map[string]any)
	if obj["name"] != "Marché aux fleurs" || obj["id"] != in.fed.URIs().EventID(ev.UUID) || obj["timezone"] != "Europe/Paris" {
		t.Fatalf("Create object as received: %v", obj)
	}
	upd := dbtest.Event(cal.ID, "fedify-1", start, "Marché aux fleurs et aux plantes")
	if _, err := in.store.PutEvent(ctx, db.Put{Event: upd}); err != nil {
		t.Fatal(err)
	}
	up := check("Update")
	if o, _ := up.Raw["object"].(map[string]any); o["name"] != "Marché aux fleurs et aux plantes" {
		t.Fatalf("Update object: %v", o)
	}
	if _, err := in.store.DeleteEvent(ctx, cal.ID, upd.Href, ""); err != nil {
		t.Fatal(err)
	}
	del := check("Delete")
	if o, _ := del.Raw["object"].(map[string]any); o["id"] != in.fed.URIs().EventID(ev.UUID) || o["type"] != "Tombstone" {
		t.Fatalf("Delete object: %v", o)
	}
}

// TestFedifyOrderAfterOutage: Fedify, down for a while (503), then back,
// receives and handles each event's activities in the order they were
// made: an Update made during the outage loses to the one made after it
// only by being dropped, never by arriving last, and an event created
// during the outage and deleted after it is never created at Fedify after
// its Delete. The retry clock starts at 1 s so that the older activities
// are surely in backoff when the newer ones are made.
func TestFedifyOrderAfterOutage(t *testing.T) {
	ctx := context.Background()
	peer := fedifytest.Start(t)
	in := newInstance(t, func(c *Config) { c.RetryBase = time.Second })
	assoc, cal := dbtest.Association(t, in.store, "club")
	control := func(path string, v any) { t.Helper(); peer.Control(t, path, v) }
	peer.Follow(t, in.fed.URIs().ActorID("club"))
	eventually(t, 20*time.Second, "Bastide to accept Fedify's Follow", func() bool {
		f, err := in.store.GetFollower(ctx, assoc.ID, peer.Actor())
		return err == nil && f.State == db.FollowAccepted
	})
	inbox := peer.Inbox()
	// handled lists, in order of arrival, the activities about id that
	// Fedify verified and handled, as "Type name".
	handled := func(id string) []string {
		log := peer.Log(t)
		done := map[string]string{}
		for _, e := range log {
			if e.HandledBy != "" && e.Type == "" {
				done[e.ID] = e.HandledBy
			}
		}
		var out []string
		for _, e := range log {
			obj, _ := e.Raw["object"].(map[string]any)
			if e.Type == "" || obj["id"] != id || !e.Verified {
				continue
			}
			if done[e.ID] == "" && e.HandledBy == "" {
				continue
			}
			name, _ := obj["name"].(string)
			out = append(out, strings.TrimSpace(e.Type+" "+name))
		}
		return out
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	put := func(uid, summary string) string {
		t.Helper()
		ev := dbtest.Event(cal.ID, uid, start, summary)
		if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			t.Fatal(err)
		}
		return in.fed.URIs().EventID(ev.UUID)
	}
	concert := put("concert", "Concert v1")
	eventually(t, 20*time.Second, "Fedify to handle the Create", func() bool { return len(handled(concert)) == 1 })

	control("/control/down", map[string]bool{"down": true})
	put("concert", "Concert v2")
	bal := put("bal", "Bal")
	eventually(t, 30*time.Second, "three failed attempts of the Update and of the Create", func() bool {
		return pendingAttempts(t, in.store, concert, "update", inbox) >= 3 && pendingAttempts(t, in.store, bal, "create", inbox) >= 3
	})
	control("/control/down", map[string]bool{"down": false})
	put("concert", "Concert v3")
	ev, err := in.store.GetEventByHref(ctx, cal.ID, "bal.ics")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.store.DeleteEvent(ctx, cal.ID, ev.Href, ""); err != nil {
		t.Fatal(err)
	}
	waitDrained(t, in.store)
	eventually(t, 20*time.Second, "Fedify to handle the last Update", func() bool {
		h := handled(concert)
		return len(h) > 0 && h[len(h)-1] == "Update Concert v3"
	})
	if h := handled(concert); h[0] != "Create Concert v1" || len(h) > 3 {
		t.Errorf("Fedify handled %v for the concert, want its Create, then Updates ending with v3", h)
	}
	for _, h := range handled(bal) {
		if strings.HasPrefix(h, "Create") || strings.HasPrefix(h, "Update") {
			t.Errorf("Fedify was sent the deleted bal (%v): it would show it", handled(bal))
			break
		}
	}
}
