package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// TestRetryHostNow: "retry now" makes the host's waiting deliveries due,
// revives its dead ones with a new series of attempts, leaves dead a
// delivery that a later activity about the same object supersedes, and
// touches no other host.
func TestRetryHostNow(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	const a, b = "https://bastide.example/events/a", "https://bastide.example/events/b"
	const down, other = "https://down.example/inbox", "https://other.example/inbox"
	queue := func(object, kind, token string, inboxes ...string) {
		t.Helper()
		if err := s.QueueActivity(ctx, object+"/activity/"+kind+"-"+token, 0, []byte(`{}`), inboxes); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	later := now.Add(6 * time.Hour)
	fail := func(apID, inbox, state string, attempts int) {
		t.Helper()
		ds, err := s.DueDeliveries(ctx, now.Add(time.Minute), 100, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.ActivityAPID == apID && d.Inbox == inbox {
				if err := s.FinishDelivery(ctx, d.ID, state, attempts, later, 503, "HTTP 503"); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
		t.Fatalf("%s to %s is not due", apID, inbox)
	}
	// b's Create died at down; a's Create died, then a's Delete was
	// queued and waits in backoff; other waits in backoff too.
	queue(b, "create", "1", down)
	fail(b+"/activity/create-1", down, db.DeliveryDead, 16)
	queue(a, "create", "1", down)
	fail(a+"/activity/create-1", down, db.DeliveryDead, 16)
	queue(a, "delete", "2", down)
	fail(a+"/activity/delete-2", down, db.DeliveryPending, 3)
	queue(b, "create", "3", other)
	fail(b+"/activity/create-3", other, db.DeliveryPending, 3)

	n, err := s.RetryHostNow(ctx, "DOWN.example", now)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("moved %d deliveries, want 2 (a's Delete and b's Create)", n)
	}
	ds, err := s.DueDeliveries(ctx, now.Add(time.Minute), 100, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, d := range ds {
		got[d.ActivityAPID+" "+d.Inbox] = d.Attempts
	}
	want := map[string]int{b + "/activity/create-1 " + down: 0, a + "/activity/delete-2 " + down: 3}
	if len(got) != len(want) {
		t.Fatalf("due after retry: %v, want %v", got, want)
	}
	for k, v := range want {
		if att, ok := got[k]; !ok || att != v {
			t.Fatalf("due after retry: %v, want %v", got, want)
		}
	}
	h, err := s.Health(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range h.Deliveries {
		if d.Host == "down.example" && (d.Pending != 2 || d.Dead != 1) {
			t.Fatalf("down.example: %+v, want 2 pending and a's superseded Create still dead", d)
		}
		if d.Host == "other.example" && d.Pending != 1 {
			t.Fatalf("other.example: %+v", d)
		}
	}
}
