package main

import (
	"context"
	"testing"
	"time"
)

// "Refresh now" in the back office wakes the worker: the feed is fetched
// at once, not at the worker's next tick (an hour away here).
func TestSubscriptionRefreshNowWakesTheWorker(t *testing.T) {
	e := newSubEnv(t)
	e.now = time.Now().UTC()
	e.r.wake = make(chan struct{}, 1)
	e.r.tick = time.Hour
	e.feed.set(200, feedOf(vevent("a@club", "Assemblée", 5)), "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- subscriptionWorker(e.r)(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("the worker returned %v", err)
		}
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for !ok() {
			select {
			case <-deadline:
				t.Fatalf("the worker did not %s", what)
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	waitFor("refresh the new subscription", func() bool { return !e.stored(t).LastSuccess.IsZero() })
	if next := e.stored(t).NextAt; next.Before(time.Now().Add(30 * time.Minute)) {
		t.Fatalf("next try at %s, want an hour on", next)
	}
	e.feed.set(200, feedOf(vevent("a@club", "Assemblée générale", 5)), "")
	if err := e.store.RefreshSubscriptionSoon(context.Background(), e.sub.ID); err != nil {
		t.Fatal(err)
	}
	e.r.Wake()
	e.r.Wake() // a second wake-up while one is pending never blocks
	waitFor("take the feed at once when woken", func() bool { return e.summaries(t) == "a@club=Assemblée générale" })
	if n := e.feed.requests.Load(); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

// The subscription form asks the feed client's address rule before
// saving: private and loopback addresses are refused unless the instance
// allows them; plain http to a public address is a feed like any other.
func TestFeedURLCheck(t *testing.T) {
	ctx := context.Background()
	strict := feedURLCheck(newFeedClient(false))
	for _, u := range []string{"http://127.0.0.1:8080/cal.ics", "https://10.1.2.3/cal.ics", "https://[::1]/cal.ics", "http://localhost/cal.ics", "https://169.254.169.254/latest"} {
		if err := strict(ctx, u); err == nil {
			t.Errorf("%s: allowed, want refused", u)
		}
	}
	for _, u := range []string{"http://93.184.215.14/agenda.ics", "https://93.184.215.14/agenda.ics"} {
		if err := strict(ctx, u); err != nil {
			t.Errorf("%s: %v, want allowed", u, err)
		}
	}
	if err := feedURLCheck(newFeedClient(true))(ctx, "http://127.0.0.1:8080/cal.ics"); err != nil {
		t.Errorf("with private addresses allowed: %v", err)
	}
}
