package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
)

// recordingInbox is a fediverse follower's inbox on 127.0.0.1 that keeps
// every activity it is sent.
type recordingInbox struct {
	srv  *httptest.Server
	mu   sync.Mutex
	acts []map[string]any
	// down makes the inbox answer 503 and keep nothing, as a server
	// that is away.
	down atomic.Bool
}

// delivered returns the activities received so far, in order.
func (r *recordingInbox) delivered() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.acts...)
}

// followedBy makes a remote Person named name follow the association
// slug (accepted), with a recording inbox, and returns the association
// and that inbox.
func followedBy(t *testing.T, store *db.Store, slug, name string) (*model.Association, *recordingInbox) {
	t.Helper()
	ctx := context.Background()
	in := &recordingInbox{}
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if in.down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var act map[string]any
		if json.Unmarshal(b, &act) == nil {
			in.mu.Lock()
			in.acts = append(in.acts, act)
			in.mu.Unlock()
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(in.srv.Close)
	assoc, err := store.GetAssociationBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	follower := in.srv.URL + "/@" + name
	if err := store.PutRemoteActor(ctx, &db.RemoteActor{APID: follower, Type: "Person", Inbox: in.srv.URL + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	if err := store.PutFollower(ctx, &db.Follower{AssociationID: assoc.ID, ActorID: follower, FollowID: follower + "/follow/1",
		FollowJSON: `{}`, State: db.FollowAccepted}); err != nil {
		t.Fatal(err)
	}
	return assoc, in
}

// memberWithAppPassword makes, with the commands, the association slug
// (in Nérac) and the user alice as its member with role, and returns an
// app password of alice's for a calendar app.
func memberWithAppPassword(t *testing.T, data, slug, name, role string) string {
	t.Helper()
	cli(t, data, "password-of-alice\n", "user", "add", "alice").must(t, 0)
	cli(t, data, "", "association", "add", slug, "--name", name, "--commune", "nerac").must(t, 0)
	cli(t, data, "", "member", "add", slug, "alice", "--role", role).must(t, 0)
	r := cli(t, data, "", "app-password", "add", "alice", "--name", "thunderbird")
	r.must(t, 0)
	return strings.TrimSpace(r.stdout)
}
