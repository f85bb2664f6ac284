package federation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// TestShutdownLetsDeliveryFinish: a delivery in flight when the workers
// are told to stop is not cut: it finishes (within ShutdownGrace), is
// recorded done, and the restarted instance does not send it again.
func TestShutdownLetsDeliveryFinish(t *testing.T) {
	ctx := context.Background()
	in := newInstance(t, func(c *Config) { c.ShutdownGrace = 30 * time.Second })
	arrived, release := make(chan struct{}), make(chan struct{})
	var got, answered atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got.Add(1) == 1 {
			close(arrived)
			<-release
		}
		w.WriteHeader(http.StatusAccepted)
		answered.Add(1)
	}))
	defer srv.Close()
	body := []byte(`{"id":"x","type":"Announce"}`)
	if err := in.store.QueueActivity(ctx, in.fed.URIs().Base()+"/test/drain", 0, body, []string{srv.URL + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	wake(in.fed.wakeDeliver)
	<-arrived
	in.stop() // the shutdown starts while the receiver still holds the request
	close(release)
	in.restart()
	if n := answered.Load(); n != 1 {
		t.Fatalf("the receiver answered %d requests before the restart, want the one in flight", n)
	}
	c, err := in.store.DeliveryCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c[db.DeliveryDone] != 1 || c[db.DeliveryPending] != 0 {
		t.Fatalf("after the shutdown: %v, want the delivery in flight recorded done", c)
	}
	// Had the delivery stayed pending, the restarted workers would send
	// it again along with this one.
	if err := in.store.QueueActivity(ctx, in.fed.URIs().Base()+"/test/after", 0, body, []string{srv.URL + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	wake(in.fed.wakeDeliver)
	waitDrained(t, in.store)
	if n := got.Load(); n != 2 {
		t.Fatalf("the receiver got %d requests, want 2: the one in flight at the shutdown, once, and the later one", n)
	}
}
