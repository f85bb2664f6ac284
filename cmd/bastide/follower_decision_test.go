package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// TestFollowerApprovedInTheBackOffice: an owner approves a pending
// follower in the back office of a running `bastide serve`; web imports
// no federation, yet the follower's inbox gets the Accept of its Follow,
// signed by the association's Group, and no second one.
func TestFollowerApprovedInTheBackOffice(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "password-of-olga\n", "user", "add", "olga").must(t, 0)
	cli(t, data, "", "association", "add", "chorale-nerac", "--name", "Chorale de Nérac").must(t, 0)
	cli(t, data, "", "member", "add", "chorale-nerac", "olga", "--role", "owner").must(t, 0)

	var mu sync.Mutex
	var got []map[string]any
	var signed []string
	inbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var act map[string]any
		if json.Unmarshal(b, &act) == nil {
			mu.Lock()
			got = append(got, act)
			signed = append(signed, r.Header.Get("Signature"))
			mu.Unlock()
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer inbox.Close()

	store := openStore(t, data)
	ctx := context.Background()
	assoc, err := store.GetAssociationBySlug(ctx, "chorale-nerac")
	if err != nil {
		t.Fatal(err)
	}
	assoc.ManuallyApprovesFollowers = true
	if err := store.UpdateAssociation(ctx, assoc); err != nil {
		t.Fatal(err)
	}
	follower := inbox.URL + "/@ann"
	follow := `{"id":"` + follower + `/follow/1","type":"Follow","actor":"` + follower + `","object":"placeholder"}`
	if err := store.PutRemoteActor(ctx, &db.RemoteActor{APID: follower, Type: "Person", Inbox: inbox.URL + "/inbox"}); err != nil {
		t.Fatal(err)
	}
	if err := store.PutFollower(ctx, &db.Follower{AssociationID: assoc.ID, ActorID: follower, FollowID: follower + "/follow/1",
		FollowJSON: follow, State: db.FollowPending}); err != nil {
		t.Fatal(err)
	}

	srv := startServe(t, data, "--allow-private-addresses")
	defer srv.stop(t)

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.url+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", srv.url)
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if resp := post("/admin/login", url.Values{"username": {"olga"}, "password": {"password-of-olga"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	resp := post("/admin/associations/chorale-nerac/followers/accept", url.Values{"actor": {follower}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/followers?done=accepted") {
		t.Fatalf("accept: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), srv.log())
	}

	eventually(t, 20*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) > 0
	})
	mu.Lock()
	acc, sig := got[0], signed[0]
	mu.Unlock()
	obj, _ := acc["object"].(map[string]any)
	if acc["type"] != "Accept" || !strings.HasSuffix(acc["actor"].(string), "/@chorale-nerac") || obj["id"] != follower+"/follow/1" {
		t.Fatalf("the follower got %v", acc)
	}
	if !strings.Contains(sig, `keyId="`+acc["actor"].(string)+`#main-key"`) {
		t.Fatalf("the Accept is not signed by the Group: %q", sig)
	}
	// Answered once: the decision is no longer waiting.
	eventually(t, 10*time.Second, func() bool {
		var answer string
		err := store.Reader().QueryRowContext(ctx, `SELECT answer FROM followers WHERE actor_id = ?`, follower).Scan(&answer)
		return err == nil && answer == ""
	})
	mu.Lock()
	n := len(got)
	mu.Unlock()
	if n != 1 {
		t.Fatalf("the follower got %d activities, want the one Accept", n)
	}
}
