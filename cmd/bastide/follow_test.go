package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation"
)

// TestFollowCommands: `bastide follow` resolves a remote Group, creates its
// remote calendar and queues the Follow; `bastide follows` and `bastide
// followers` list what was recorded; --accept answers a pending follower.
func TestFollowCommands(t *testing.T) {
	ctx := context.Background()
	// The remote side: another Bastide's federation handler with a Group.
	rs := openStore(t, t.TempDir())
	if err := rs.CreateAssociation(ctx, &model.Association{Slug: "club", Name: "Club de rando"}); err != nil {
		t.Fatal(err)
	}
	// The handler needs the server's URL, so it is set after Start; the
	// mutex orders that write before the requests (the race detector
	// flagged a plain assignment to srv.Config.Handler).
	var (
		mu      sync.RWMutex
		handler http.Handler = http.NotFoundHandler()
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.RLock()
		h := handler
		mu.RUnlock()
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	rf, err := federation.New(rs, nil, federation.Config{BaseURL: srv.URL, AllowPrivateAddresses: true})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	handler = rf.Handler()
	mu.Unlock()

	data := t.TempDir()
	local := openStore(t, data)
	a := &model.Association{Slug: "asso", Name: "Asso", ManuallyApprovesFollowers: true}
	if err := local.CreateAssociation(ctx, a); err != nil {
		t.Fatal(err)
	}

	cli(t, data, "", "follow", srv.URL+"/@club").must(t, 2, "--base-url")
	base := "http://bastide.test"
	r := cli(t, data, "", "follow", "--base-url", base, "--allow-private-addresses", "--trusted", srv.URL+"/@club")
	r.must(t, 0, "Following "+srv.URL+"/@club", "Group", "trusted")
	fl, err := local.GetFollow(ctx, srv.URL+"/@club")
	if err != nil || fl.State != db.FollowPending || !fl.Trusted {
		t.Fatalf("follow row: %+v, %v", fl, err)
	}
	cal, err := local.GetCalendarBySource(ctx, srv.URL+"/@club")
	if err != nil || cal.Kind != model.CalendarRemote || !cal.Trusted || cal.Name != "Club de rando" {
		t.Fatalf("remote calendar: %+v, %v", cal, err)
	}
	counts, err := local.DeliveryCounts(ctx)
	if err != nil || counts[db.DeliveryPending] != 1 {
		t.Fatalf("queued deliveries: %v, %v", counts, err)
	}
	cli(t, data, "", "follows").must(t, 0, srv.URL+"/@club", "pending")

	cli(t, data, "", "followers", "asso").must(t, 0, "Nobody follows asso")
	if err := local.PutRemoteActor(ctx, &db.RemoteActor{APID: "https://m.test/@ann", Type: "Person", Inbox: "https://m.test/@ann/inbox"}); err != nil {
		t.Fatal(err)
	}
	if err := local.PutFollower(ctx, &db.Follower{AssociationID: a.ID, ActorID: "https://m.test/@ann",
		FollowID: "https://m.test/follow/1", FollowJSON: `{"id":"https://m.test/follow/1","type":"Follow","actor":"https://m.test/@ann","object":"http://bastide.test/@asso"}`,
		State: db.FollowPending}); err != nil {
		t.Fatal(err)
	}
	cli(t, data, "", "followers", "asso").must(t, 0, "https://m.test/@ann", "pending")
	cli(t, data, "", "followers", "--base-url", base, "--accept", "https://m.test/@ann", "asso").must(t, 0, "accepted")
	cli(t, data, "", "followers", "asso").must(t, 0, "https://m.test/@ann", "accepted")
	counts, _ = local.DeliveryCounts(ctx)
	if counts[db.DeliveryPending] != 2 {
		t.Fatalf("the Accept was not queued: %v", counts)
	}
}
