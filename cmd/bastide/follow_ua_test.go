package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation"
)

// TestFollowUserAgent: `bastide follow` fetches the remote actor with the
// User-Agent serve uses: the version `bastide version` reports, not a
// placeholder.
func TestFollowUserAgent(t *testing.T) {
	ctx := context.Background()
	rs := openStore(t, t.TempDir())
	if err := rs.CreateAssociation(ctx, &model.Association{Slug: "club", Name: "Club"}); err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		handler http.Handler = http.NotFoundHandler()
		agents  []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		h := handler
		mu.Unlock()
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

	v := cli(t, t.TempDir(), "", "version")
	v.must(t, 0, "bastide ")
	ver := strings.Fields(strings.SplitN(v.stdout, "\n", 2)[0])[1]
	base := "http://bastide.test"
	data := t.TempDir()
	openStore(t, data)
	cli(t, data, "", "follow", "--base-url", base, "--allow-private-addresses", srv.URL+"/@club").must(t, 0, "Following")
	mu.Lock()
	defer mu.Unlock()
	if len(agents) == 0 {
		t.Fatal("the remote received no request")
	}
	want := "Bastide/" + ver + " (+" + base + ")"
	for _, ua := range agents {
		if ua != want {
			t.Errorf("User-Agent %q, want %q (serve's)", ua, want)
		}
	}
}
