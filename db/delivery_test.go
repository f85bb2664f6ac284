package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// TestDeliveryQueueOrder: deliveries of one object to one inbox leave in
// the order they were queued; a newer Update supersedes a waiting one, a
// Delete everything waiting, the Create included, only for that inbox and
// that object; a delivery superseded while in flight is not brought back
// by its failed attempt.
func TestDeliveryQueueOrder(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	const obj, other = "https://bastide.example/events/a", "https://bastide.example/events/b"
	const in1, in2 = "https://one.example/inbox", "https://two.example/inbox"
	queue := func(object, kind, token string, inboxes ...string) {
		t.Helper()
		if err := s.QueueActivity(ctx, object+"/activity/"+kind+"-"+token, 0, []byte(`{}`), inboxes); err != nil {
			t.Fatal(err)
		}
	}
	due := func() []string {
		t.Helper()
		ds, err := s.DueDeliveries(ctx, time.Now().Add(time.Hour), 100, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, d.ActivityAPID[strings.LastIndex(d.ActivityAPID, "/")+1:]+"@"+d.Inbox[8:11])
		}
		slices.Sort(out) // the order across objects and inboxes is the due time's
		return out
	}
	want := func(w string) {
		t.Helper()
		if got := strings.Join(due(), " "); got != w {
			t.Fatalf("due: %q, want %q", got, w)
		}
	}
	queue(obj, "create", "1", in1, in2)
	queue(obj, "announce", "2", in1)
	queue(obj, "update", "3", in1, in2)
	queue(other, "create", "4", in1)
	// Each object's head only, per inbox; the other object is not held up.
	want("create-1@one create-1@two create-4@one")

	ds, err := s.DueDeliveries(ctx, time.Now().Add(time.Hour), 100, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var createOne, createTwo *db.Delivery
	for _, d := range ds {
		if strings.HasSuffix(d.ActivityAPID, "create-1") {
			if d.Inbox == in1 {
				createOne = d
			} else {
				createTwo = d
			}
		}
	}
	// Delivered to two: its Update is next there; one still waits.
	if err := s.FinishDelivery(ctx, createTwo.ID, db.DeliveryDone, 1, time.Now(), 202, ""); err != nil {
		t.Fatal(err)
	}
	want("create-1@one create-4@one update-3@two")

	// A newer Update replaces the waiting one, on both inboxes.
	queue(obj, "update", "5", in1, in2)
	want("create-1@one create-4@one update-5@two")

	// The Delete replaces everything waiting on one, the Create (in
	// flight) included; the failure of that attempt does not revive it.
	queue(obj, "delete", "6", in1)
	if err := s.FinishDelivery(ctx, createOne.ID, db.DeliveryPending, 1, time.Now(), 503, "HTTP 503"); err != nil {
		t.Fatal(err)
	}
	want("create-4@one delete-6@one update-5@two")
}
