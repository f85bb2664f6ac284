package federation

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// TestDeliveryIsolationAndRetry: a hanging host and a dead one never delay
// the others; failures are retried with growing delays and end dead after
// the limit; every request is signed.
func TestDeliveryIsolationAndRetry(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, func(c *Config) {
		c.MaxDeliveryAttempts = 3
		c.RetryBase = 150 * time.Millisecond
		c.PerHostConcurrency = 2
		c.FetchTimeout = 2 * time.Second
	})
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hang)
	var mu sync.Mutex
	var errTimes []time.Time
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		errTimes = append(errTimes, time.Now())
		mu.Unlock()
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
	start := time.Now()
	if err := in.store.QueueActivity(ctx, in.fed.URIs().Base()+"/test/1", 0, body, inboxes); err != nil {
		t.Fatal(err)
	}
	wake(in.fed.wakeDeliver)
	eventually(t, 2*time.Second, "every good host to receive the activity", func() bool {
		for _, g := range goods {
			if len(g.received()) != 1 {
				return false
			}
		}
		return true
	})
	if d := time.Since(start); d > time.Second {
		t.Fatalf("good hosts served after %s: a bad host delayed them", d)
	}
	checkSignedBy(t, goods[0].URL(), goods[0].received()[0], in.fed.URIs().RelayID())

	eventually(t, 5*time.Second, "the failing and the dead host to be marked dead", func() bool {
		c, _ := in.store.DeliveryCounts(ctx)
		return c[db.DeliveryDead] >= 2
	})
	mu.Lock()
	defer mu.Unlock()
	if len(errTimes) != 3 {
		t.Fatalf("the failing host got %d attempts, want 3", len(errTimes))
	}
	d1, d2 := errTimes[1].Sub(errTimes[0]), errTimes[2].Sub(errTimes[1])
	if d1 < 100*time.Millisecond || d2 < d1 {
		t.Fatalf("retry delays %s then %s: not exponential", d1, d2)
	}
}

// TestDeliverySurvivesRestart: deliveries queued while the receiver is
// down are sent once it is back, across a restart of the sender.
func TestDeliverySurvivesRestart(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, func(c *Config) { c.RetryBase = 100 * time.Millisecond })
	var got atomic.Int32
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	body := []byte(`{"id":"x","type":"Announce"}`)
	if err := in.store.QueueActivity(ctx, in.fed.URIs().Base()+"/test/2", 0, body, []string{"http://" + addr + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	wake(in.fed.wakeDeliver)
	eventually(t, 3*time.Second, "a failed attempt", func() bool {
		c, _ := in.store.DueDeliveries(ctx, time.Now().Add(time.Hour), 10, nil, nil)
		return len(c) == 1 && c[0].Attempts >= 1
	})
	in.restart()
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("could not listen again on %s: %v", addr, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got.Add(1); w.WriteHeader(202) })}
	go srv.Serve(ln2)
	defer srv.Close()
	eventually(t, 5*time.Second, "the delivery after the restart", func() bool { return got.Load() == 1 })
}
