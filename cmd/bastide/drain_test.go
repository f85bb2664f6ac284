package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// TestServeFinishesDeliveryInFlight: SIGTERM while a follower still holds
// a delivery's request: serve lets it finish (within --shutdown-timeout)
// instead of cutting it, records it done, then stops.
func TestServeFinishesDeliveryInFlight(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	arrived, release := make(chan struct{}), make(chan struct{})
	var posts, cut atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // then a closed connection cancels r.Context()
		if r.Method != http.MethodPost || posts.Add(1) != 1 {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		close(arrived)
		select {
		case <-release:
			w.WriteHeader(http.StatusAccepted)
		case <-r.Context().Done():
			cut.Store(1)
		}
	}))
	defer rcv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()

	store := openStore(t, data)
	a, cal := dbtest.Association(t, store, "club")
	actor := rcv.URL + "/@ann"
	if err := store.PutRemoteActor(ctx, &db.RemoteActor{APID: actor, Type: "Person", Inbox: actor + "/inbox", SharedInbox: rcv.URL + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	if err := store.PutFollower(ctx, &db.Follower{AssociationID: a.ID, ActorID: actor, FollowID: actor + "/follow/1", FollowJSON: `{}`,
		State: db.FollowAccepted}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "bal", time.Now().Add(48*time.Hour), "Bal")}); err != nil {
		t.Fatal(err)
	}

	srv := startServe(t, data, "--allow-private-addresses", "--shutdown-timeout", "20s")
	select {
	case <-arrived:
	case <-time.After(20 * time.Second):
		t.Fatalf("the follower got no delivery\n%s", srv.log())
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(srv.log(), "letting deliveries in flight finish"); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-srv.done:
			t.Fatalf("serve exited (%v) while the follower still held the delivery\n%s", err, srv.log())
		default:
		}
		if cut.Load() == 1 || time.Now().After(deadline) {
			t.Fatalf("the shutdown did not wait for the delivery in flight (cut: %d)\n%s", cut.Load(), srv.log())
		}
	}
	close(release)
	select {
	case err := <-srv.done:
		if err != nil {
			t.Fatalf("serve exited with %v\n%s", err, srv.log())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve still running after the delivery was answered\n%s", srv.log())
	}
	if cut.Load() == 1 {
		t.Fatalf("the delivery in flight was cut\n%s", srv.log())
	}
	c, err := store.DeliveryCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c[db.DeliveryDone] == 0 {
		t.Fatalf("deliveries %v: the one in flight was not recorded done\n%s", c, srv.log())
	}
}
