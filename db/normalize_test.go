package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// TestRemoteIDsStoredNormalised: the store keeps one row per remote
// object, actor, follow and inbox however its server's host is spelled
// (case, trailing dot, default port), and finds it under any spelling.
func TestRemoteIDsStoredNormalised(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "club")

	if err := s.PutRemoteActor(ctx, &db.RemoteActor{APID: "HTTPS://Mob.Example./@grp", Type: "Group",
		Inbox: "https://mob.example:443/@grp/inbox", SharedInbox: "https://MOB.example/inbox",
		KeyID: "https://mob.example.:443/@grp#main-key"}); err != nil {
		t.Fatal(err)
	}
	a, err := s.GetRemoteActor(ctx, "https://mob.example/@grp")
	if err != nil {
		t.Fatal(err)
	}
	if a.APID != "https://mob.example/@grp" || a.Inbox != "https://mob.example/@grp/inbox" ||
		a.SharedInbox != "https://mob.example/inbox" || a.KeyID != "https://mob.example/@grp#main-key" {
		t.Errorf("stored %+v", a)
	}
	if _, err := s.GetRemoteActorByKeyID(ctx, "https://Mob.Example/@grp#main-key"); err != nil {
		t.Errorf("key under another spelling: %v", err)
	}

	if err := s.PutFollow(ctx, &db.Follow{Object: "https://Mob.Example./@grp", FollowID: "https://bastide.example/follows/1",
		State: db.FollowPending, CalendarID: cal.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetFollow(ctx, "https://mob.example:443/@grp"); err != nil {
		t.Errorf("follow under another spelling: %v", err)
	}

	start := time.Date(2026, 12, 5, 14, 0, 0, 0, time.UTC)
	e1 := dbtest.Event(cal.ID, "e1", start, "Bal")
	e1.Origin, e1.APID = model.OriginRemote, "HTTPS://Mob.Example./events/1"
	if _, err := s.PutEvent(ctx, db.Put{Event: e1}); err != nil {
		t.Fatal(err)
	}
	e2 := dbtest.Event(cal.ID, "e2", start, "Bal")
	e2.Origin, e2.APID = model.OriginRemote, "https://mob.example:443/events/1"
	if _, err := s.PutEvent(ctx, db.Put{Event: e2}); !errors.Is(err, db.ErrConflict) {
		t.Errorf("the same object under another spelling: %v, want ErrConflict", err)
	}
	if ev, err := s.GetEventByAPID(ctx, "https://mob.example/events/1"); err != nil || ev.UID != "e1" {
		t.Errorf("event under another spelling: %v %v", ev, err)
	}

	if err := s.QueueActivity(ctx, "https://bastide.example/a/1", 0, []byte(`{}`),
		[]string{"https://Mob.Example/inbox", "https://mob.example.:443/inbox"}); err != nil {
		t.Fatal(err)
	}
	if c, err := s.DeliveryCounts(ctx); err != nil || c[db.DeliveryPending] != 1 {
		t.Errorf("deliveries %v %v, want one to the one inbox", c, err)
	}
}
