package federation

import (
	"context"
	"errors"

	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/federation/mobilizon"
)

func stubHost(t *testing.T, st *stub) string {
	t.Helper()
	u, err := url.Parse(st.URL())
	if err != nil {
		t.Fatal(err)
	}
	return u.Hostname()
}

// TestDomainBlock: once the admin blocks a domain, its servers' follows
// are refused, their inbox deliveries answered 403 before any key is
// fetched, their sources no longer pulled, and their followers removed.
func TestDomainBlock(t *testing.T) {
	in := newInstance(t, nil)
	ctx := context.Background()
	st := newStub(t)
	actor := st.actor("/@grp", "Group")
	followed := st.actor("/@source", "Group")
	st.doc("/@source/outbox", map[string]any{"id": followed + "/outbox", "type": "OrderedCollection", "orderedItems": []any{}})
	fl, _, err := in.fed.Follow(ctx, followed, true)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the first pull of the source", func() bool {
		got, err := in.store.GetFollow(ctx, followed)
		return err == nil && !got.RefreshedAt.IsZero()
	})
	if err := in.store.PutFollower(ctx, &db.Follower{ActorID: actor, FollowID: actor + "/follow/1", FollowJSON: "{}",
		State: db.FollowAccepted}); err != nil {
		t.Fatal(err)
	}

	removed, err := in.store.BlockDomain(ctx, stubHost(t, st), "spam")
	if err != nil || removed != 1 {
		t.Fatalf("block: %d followers removed, %v; want 1", removed, err)
	}
	if fs, err := in.store.ListFollowers(ctx, 0, ""); err != nil || len(fs) != 0 {
		t.Fatalf("followers after the block: %v %v", fs, err)
	}

	// The inbox: 403, and the key is not even fetched.
	keyReads := st.getCount("/@grp")
	body := mustJSON(t, map[string]any{"type": "Like", "id": st.URL() + "/like/1", "actor": actor, "object": "x"})
	if resp := signedPost(t, in.fed.URIs().SharedInbox(), actor+"#main-key", st.key, body); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("inbox delivery from a blocked domain: %d, want 403", resp.StatusCode)
	}
	if n := st.getCount("/@grp"); n != keyReads {
		t.Fatalf("the blocked server's key was fetched %d times", n-keyReads)
	}
	if n, _ := in.store.InboxQueueLen(ctx); n != 0 {
		t.Fatalf("%d activities queued from a blocked domain", n)
	}

	// A new follow: refused before any request.
	gets := st.getCount("/@other")
	st.actor("/@other", "Group")
	for _, target := range []string{st.URL() + "/@other", "@other@" + strings.TrimPrefix(st.URL(), "http://")} {
		if _, _, err := in.fed.Follow(ctx, target, false); !errors.Is(err, ErrBlocked) {
			t.Fatalf("follow of %s on a blocked domain: %v", target, err)
		}
	}
	if n := st.getCount("/@other"); n != gets {
		t.Fatal("a follow on a blocked domain fetched the actor")
	}

	// The pull: the source is no longer read, and the dashboard says why.
	reads := st.getCount("/@source/outbox") + st.getCount("/@source")
	if err := in.fed.refresh(ctx, fl); !errors.Is(err, ErrBlocked) {
		t.Fatalf("pull of a source on a blocked domain: %v", err)
	}
	if n := st.getCount("/@source/outbox") + st.getCount("/@source"); n != reads {
		t.Fatal("a source on a blocked domain was read")
	}

	// Lifted, the domain federates again.
	if err := in.store.UnblockDomain(ctx, stubHost(t, st)); err != nil {
		t.Fatal(err)
	}
	if resp := signedPost(t, in.fed.URIs().SharedInbox(), actor+"#main-key", st.key, body); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("inbox delivery after unblocking: %d", resp.StatusCode)
	}
}

// TestFollowRequestSent: a follow asked for on the back office (a row in
// follow_requests) is sent by the refresher: the Follow reaches the stub
// Mobilizon and the request is forgotten; one that cannot be sent stays
// with its reason; an unfollow sends the Undo.
func TestFollowRequestSent(t *testing.T) {
	in := newInstance(t, nil)
	ctx := context.Background()
	st := newStub(t)
	group := st.actor("/@bal", "Group")
	st.doc("/@bal/outbox", map[string]any{"id": group + "/outbox", "type": "OrderedCollection", "orderedItems": []any{}})
	if err := in.store.RequestFollow(ctx, group, false); err != nil {
		t.Fatal(err)
	}
	missing := st.URL() + "/@nobody"
	if err := in.store.RequestFollow(ctx, missing, false); err != nil {
		t.Fatal(err)
	}
	wake(in.fed.wakeRefresh)
	eventually(t, 20*time.Second, "the Follow to reach the stub", func() bool {
		for _, p := range st.received() {
			if mobilizon.TypeOf(p.act) == "Follow" && p.act["object"] == group && p.act["actor"] == in.fed.URIs().RelayID() {
				return true
			}
		}
		return false
	})
	fl, err := in.store.GetFollow(ctx, group)
	if err != nil || fl.Trusted {
		t.Fatalf("follow: %+v %v, want an untrusted follow", fl, err)
	}
	eventually(t, 20*time.Second, "the requests to be settled", func() bool {
		reqs, err := in.store.ListFollowRequests(ctx, false, 10)
		return err == nil && len(reqs) == 1 && reqs[0].Target == missing && reqs[0].LastError != ""
	})
	reqs, _ := in.store.ListFollowRequests(ctx, true, 10)
	if len(reqs) != 0 {
		t.Fatalf("a failed request is still untried: %+v", reqs)
	}

	// Unfollowing from the page: the Undo reaches the stub, the follow goes.
	if err := in.store.RequestUnfollow(ctx, group); err != nil {
		t.Fatal(err)
	}
	wake(in.fed.wakeRefresh)
	eventually(t, 20*time.Second, "the Undo to reach the stub", func() bool {
		for _, p := range st.received() {
			if mobilizon.TypeOf(p.act) == "Undo" && p.act["actor"] == in.fed.URIs().RelayID() {
				if obj, _ := p.act["object"].(map[string]any); obj != nil && obj["object"] == group {
					return true
				}
			}
		}
		return false
	})
	eventually(t, 20*time.Second, "the follow to be forgotten", func() bool {
		_, err := in.store.GetFollow(ctx, group)
		return errors.Is(err, db.ErrNotFound)
	})
}
