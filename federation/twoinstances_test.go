package federation

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// agenda returns the summaries on an instance's public agenda.
func agenda(t *testing.T, s *db.Store) map[string]bool {
	t.Helper()
	now := time.Now()
	rows, err := s.ListInstances(context.Background(), db.InstanceQuery{From: now.Add(-time.Hour), To: now.Add(60 * 24 * time.Hour), Public: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, r := range rows {
		out[r.Event.Summary] = true
	}
	return out
}

// TestTwoInstances: B follows A's association; events written on A reach
// B's agenda within 5 s, and so do their update and deletion; A restarted
// mid-way loses nothing.
func TestTwoInstances(t *testing.T) {
	ctx := context.Background()
	a := newInstance(t, nil)
	b := newInstance(t, nil)
	assoc, cal := dbtest.Association(t, a.store, "club")
	_ = assoc

	// Published before B follows: B gets it by backfill from A's outbox.
	early := dbtest.Event(cal.ID, "vide-grenier", time.Now().Add(72*time.Hour).Truncate(time.Minute), "Vide-grenier")
	if _, err := a.store.PutEvent(ctx, db.Put{Event: early}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "A to publish the early event", func() bool {
		p, err := a.store.GetPublished(ctx, early.UUID)
		return err == nil && p.State == db.PublishedLive
	})

	fl, _, err := b.fed.Follow(ctx, a.fed.URIs().ActorID("club"), true)
	if err != nil {
		t.Fatalf("follow: %v", err)
	}
	eventually(t, 5*time.Second, "A to record B's relay as an accepted follower", func() bool {
		f, err := a.store.GetFollower(ctx, assoc.ID, b.fed.URIs().RelayID())
		return err == nil && f.State == db.FollowAccepted
	})
	eventually(t, 5*time.Second, "B to receive A's Accept", func() bool {
		f, err := b.store.GetFollow(ctx, fl.Object)
		return err == nil && f.State == db.FollowAccepted
	})

	eventually(t, 5*time.Second, "the backfilled event on B's agenda", func() bool { return agenda(t, b.store)["Vide-grenier"] })

	start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	ev := dbtest.Event(cal.ID, "concert-1", start, "Concert sous la halle")
	if _, err := a.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	eventually(t, 5*time.Second, "the event on B's agenda", func() bool { return agenda(t, b.store)["Concert sous la halle"] })
	t.Logf("create reached B in %s", time.Since(t0))

	remote, err := b.store.GetEventByAPID(ctx, a.fed.URIs().EventID(ev.UUID))
	if err != nil {
		t.Fatalf("B has no event with A's id: %v", err)
	}
	if !remote.Start.Equal(start) || remote.Origin != model.OriginRemote || remote.Moderation != model.ModerationApproved {
		t.Fatalf("remote copy: start %v (want %v), origin %q, moderation %q", remote.Start, start, remote.Origin, remote.Moderation)
	}

	upd := dbtest.Event(cal.ID, "concert-1", start, "Concert sous la halle (reporté)")
	if _, err := a.store.PutEvent(ctx, db.Put{Event: upd}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the update on B", func() bool {
		g := agenda(t, b.store)
		return g["Concert sous la halle (reporté)"] && !g["Concert sous la halle"]
	})

	// A goes down; an event written meanwhile goes out once A is back.
	a.shutdown()
	late := dbtest.Event(cal.ID, "marche-1", start.Add(24*time.Hour), "Marché de nuit")
	st, err := db.Open(ctx, a.path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutEvent(ctx, db.Put{Event: late}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	a.restart()
	eventually(t, 5*time.Second, "the event written while A was down on B", func() bool { return agenda(t, b.store)["Marché de nuit"] })

	if _, err := a.store.DeleteEvent(ctx, cal.ID, upd.Href, ""); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the deletion on B", func() bool { return !agenda(t, b.store)["Concert sous la halle (reporté)"] })
	if _, err := b.store.GetEventByAPID(ctx, a.fed.URIs().EventID(ev.UUID)); err == nil {
		t.Fatal("B still stores the deleted event")
	}
}

// TestFollowByHandleAndInstance: B follows A's association by its handle
// (WebFinger) and A as a whole instance by its domain (NodeInfo → /relay);
// an event of A is then stored once on B, in the association's calendar.
func TestFollowByHandleAndInstance(t *testing.T) {
	ctx := context.Background()
	a := newInstance(t, nil)
	b := newInstance(t, nil)
	_, cal := dbtest.Association(t, a.store, "club")
	host := a.fed.URIs().Host()

	byHandle, actor, err := b.fed.Follow(ctx, "@club@"+host, false)
	if err != nil {
		t.Fatalf("follow by handle: %v", err)
	}
	if actor.APID != a.fed.URIs().ActorID("club") || actor.Type != "Group" {
		t.Fatalf("the handle resolved to %+v", actor)
	}
	byInstance, relay, err := b.fed.Follow(ctx, host, true)
	if err != nil {
		t.Fatalf("follow by domain: %v", err)
	}
	if relay.APID != a.fed.URIs().RelayID() || relay.Type != "Application" {
		t.Fatalf("the domain resolved to %+v", relay)
	}
	for _, fl := range []*db.Follow{byHandle, byInstance} {
		eventually(t, 5*time.Second, "the Accept of "+fl.Object, func() bool {
			got, err := b.store.GetFollow(ctx, fl.Object)
			return err == nil && got.State == db.FollowAccepted
		})
	}
	ev := dbtest.Event(cal.ID, "bal", time.Now().Add(30*time.Hour).Truncate(time.Minute), "Bal populaire")
	if _, err := a.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	var got *model.Event
	eventually(t, 5*time.Second, "the event on B", func() bool {
		got, err = b.store.GetEventByAPID(ctx, a.fed.URIs().EventID(ev.UUID))
		return err == nil
	})
	// Not trusted through the group follow: it waits for moderation.
	if got.CalendarID != byHandle.CalendarID || got.Moderation != model.ModerationPending {
		t.Fatalf("stored in calendar %d (%s), want the group's calendar %d, pending", got.CalendarID, got.Moderation, byHandle.CalendarID)
	}
	if agenda(t, b.store)["Bal populaire"] {
		t.Fatal("a pending event is on the public agenda")
	}
}
