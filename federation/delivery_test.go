package federation

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// TestDeliveryIsolationAndRetry: a hanging host and a dead one never delay
// the others (the good hosts are all served while the hanging one still
// holds its requests), a host never gets more than PerHostConcurrency
// requests at once, failures end dead after the limit, every request is
// signed. Nothing here depends on how fast the machine is: the backoff
// itself is checked with an injected clock in TestDeliveryBackoffOverDays.
func TestDeliveryIsolationAndRetry(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, func(c *Config) {
		c.MaxDeliveryAttempts = 3
		c.RetryBase = 100 * time.Millisecond
		c.PerHostConcurrency = 2
		c.FetchTimeout = 30 * time.Second
	})
	hang := make(chan struct{})
	var cur, peak, hung atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		defer cur.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		hung.Add(1)
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hang)
	var failures atomic.Int32
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		failures.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer failing.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	down := "http://" + ln.Addr().String()
	ln.Close()

	var goods []*stub
	inboxes := []string{}
	for i := 0; i < 6; i++ {
		inboxes = append(inboxes, slow.URL+"/inbox", slow.URL+"/u"+string(rune('a'+i))+"/inbox")
	}
	inboxes = append(inboxes, failing.URL+"/inbox", down+"/inbox")
	for i := 0; i < 10; i++ {
		s := newStub(t)
		goods = append(goods, s)
		inboxes = append(inboxes, s.URL()+"/inbox")
	}
	body := mustJSON(t, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": in.fed.URIs().Base() + "/test/1",
		"type": "Announce", "actor": in.fed.URIs().RelayID(), "object": "https://example.org/x"})
	if err := in.store.QueueActivity(ctx, in.fed.URIs().Base()+"/test/1", 0, body, inboxes); err != nil {
		t.Fatal(err)
	}
	wake(in.fed.wakeDeliver)
	eventually(t, 20*time.Second, "every good host to receive the activity", func() bool {
		for _, g := range goods {
			if len(g.received()) != 1 {
				return false
			}
		}
		return true
	})
	// The hanging host has not answered yet: the good ones did not wait for it.
	if h := hung.Load(); h > 2 {
		t.Fatalf("the hanging host got %d requests, more than its cap of 2", h)
	}
	checkSignedBy(t, goods[0].URL(), goods[0].received()[0], in.fed.URIs().RelayID())

	eventually(t, 20*time.Second, "the failing and the dead host to be marked dead", func() bool {
		c, _ := in.store.DeliveryCounts(ctx)
		return c[db.DeliveryDead] >= 2
	})
	if n := failures.Load(); n != 3 {
		t.Fatalf("the failing host got %d attempts, want 3 (MaxDeliveryAttempts)", n)
	}
	// Still hanging: the slow host fills its 2 slots and never gets more.
	eventually(t, 20*time.Second, "the hanging host to hold its 2 slots", func() bool { return peak.Load() >= 2 })
	if p, h := peak.Load(), hung.Load(); p != 2 || h != 2 {
		t.Fatalf("the hanging host saw %d concurrent requests, %d in all, want exactly PerHostConcurrency = 2", p, h)
	}
	if c, _ := in.store.DeliveryCounts(ctx); c[db.DeliveryPending] != 7 {
		t.Fatalf("pending deliveries %v, want the hanging host's 7 (its shared inbox once)", c)
	}
}

// TestDeliveryBackoffOverDays drives the delivery of one activity to a
// failing inbox with an injected clock and the default settings: each
// retry waits twice the previous delay (±10 %), capped at 24 h, nothing is
// due before its time, and the delivery is dead after 16 attempts, about
// six days after the first.
func TestDeliveryBackoffOverDays(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	clock := &testClock{t: time.Now()}
	f, err := New(s, nil, Config{BaseURL: "https://bastide.example", AllowPrivateAddresses: true, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	if err := s.QueueActivity(ctx, "https://bastide.example/test/3", 0, []byte(`{"type":"Announce"}`), []string{failing.URL + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Now()) // the queue stamps rows with the wall clock
	first := clock.Now()
	want := time.Minute // RetryBase
	for attempt := 1; attempt <= 16; attempt++ {
		due, err := s.DueDeliveries(ctx, clock.Now(), 10, nil, nil)
		if err != nil || len(due) != 1 {
			t.Fatalf("attempt %d: %d due (%v)", attempt, len(due), err)
		}
		f.deliver(ctx, due[0])
		if int(hits.Load()) != attempt {
			t.Fatalf("attempt %d reached the inbox %d times", attempt, hits.Load())
		}
		if attempt == 16 {
			break
		}
		next, err := s.NextDeliveryAt(ctx)
		if err != nil || next.IsZero() {
			t.Fatalf("after attempt %d: no next attempt (%v)", attempt, err)
		}
		delay := next.Sub(clock.Now())
		if lo, hi := want-want/10-time.Millisecond, want+want/10+time.Millisecond; delay < lo || delay > hi {
			t.Fatalf("delay after attempt %d: %s, want %s ±10%%", attempt, delay, want)
		}
		// Not due a second before its time, due at it.
		if d, _ := s.DueDeliveries(ctx, next.Add(-time.Second), 10, nil, nil); len(d) != 0 {
			t.Fatalf("after attempt %d: due before its time", attempt)
		}
		clock.Set(next)
		if want *= 2; want > 24*time.Hour {
			want = 24 * time.Hour
		}
	}
	c, _ := s.DeliveryCounts(ctx)
	if c[db.DeliveryDead] != 1 || c[db.DeliveryPending] != 0 {
		t.Fatalf("after 16 attempts: %v, want dead", c)
	}
	if span := clock.Now().Sub(first); span < 5*24*time.Hour || span > 7*24*time.Hour {
		t.Fatalf("retries spanned %s, want about six days", span)
	}
	// A 410 (the inbox is gone) is dead at once, without retries.
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) }))
	defer gone.Close()
	if err := s.QueueActivity(ctx, "https://bastide.example/test/4", 0, []byte(`{"type":"Announce"}`), []string{gone.URL + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	due, _ := s.DueDeliveries(ctx, time.Now(), 10, nil, nil)
	if len(due) != 1 {
		t.Fatalf("%d due", len(due))
	}
	f.deliver(ctx, due[0])
	if c, _ := s.DeliveryCounts(ctx); c[db.DeliveryDead] != 2 {
		t.Fatalf("after a 410: %v", c)
	}
}

// TestDeliverySurvivesRestart: deliveries that failed while the receiver
// was down are sent once it is back, across a restart of the sender.
func TestDeliverySurvivesRestart(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, func(c *Config) { c.RetryBase = 100 * time.Millisecond })
	var up atomic.Bool
	var got, refused atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			refused.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		got.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	body := []byte(`{"id":"x","type":"Announce"}`)
	if err := in.store.QueueActivity(ctx, in.fed.URIs().Base()+"/test/2", 0, body, []string{srv.URL + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	wake(in.fed.wakeDeliver)
	eventually(t, 20*time.Second, "a failed attempt", func() bool { return refused.Load() >= 1 })
	in.shutdown()
	up.Store(true)
	st, err := db.Open(ctx, in.path)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := st.DeliveryCounts(ctx)
	st.Close()
	if c[db.DeliveryPending] != 1 {
		t.Fatalf("after the shutdown: %v, want the delivery still pending", c)
	}
	in.restart()
	eventually(t, 20*time.Second, "the delivery after the restart", func() bool { return got.Load() == 1 })
	eventually(t, 20*time.Second, "the delivery marked done", func() bool {
		c, _ := in.store.DeliveryCounts(ctx)
		return c[db.DeliveryDone] == 1
	})
}
