//go:build integration

package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// pyDiscover is python3-caldav pointed at the bare server address, as the
// README says apps may be: it must find the principal and its calendars.
const pyDiscover = `
import json, sys
import caldav
from caldav.elements import dav
url, user, pw = sys.argv[1:4]
client = caldav.DAVClient(url=url, username=user, password=pw)
principal = client.principal()
print(json.dumps({"principal": str(principal.url),
                  "calendars": sorted(c.get_property(dav.DisplayName()) or "" for c in principal.calendars())}))
`

// rootServer serves the wired handler over a store with alice, owner of
// an association with one calendar.
func rootServer(t *testing.T) *httptest.Server {
	t.Helper()
	store := dbtest.New(t)
	_, cal := dbtest.Association(t, store, "chorale")
	hash, err := db.HashPassword("alice-password")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	alice := &model.User{Username: "alice", DisplayName: "Alice", PasswordHash: hash}
	if err := store.CreateUser(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if err := store.SetMembership(ctx, &model.Membership{UserID: alice.ID, AssociationID: cal.AssociationID, Role: model.RoleOwner}); err != nil {
		t.Fatal(err)
	}
	h, err := buildHandler(store, slog.New(slog.DiscardHandler), &Config{BaseURL: "http://bastide.test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.root)
	t.Cleanup(srv.Close)
	return srv
}

// The DAV methods on / reach CalDAV (clients that start from the server's
// address find their principal there); GET / stays the web agenda.
func TestDAVAtServerRoot(t *testing.T) {
	srv := rootServer(t)
	do := func(method, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+"/", strings.NewReader(body))
		req.SetBasicAuth("alice", "alice-password")
		req.Header.Set("Depth", "0")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, body := do("PROPFIND", `<D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>`)
	if code != http.StatusMultiStatus || !strings.Contains(body, "<D:href>/dav/principals/alice/</D:href>") {
		t.Fatalf("PROPFIND /: %d\n%s", code, body)
	}
	if code, body := do("GET", ""); code != http.StatusOK || !strings.Contains(body, "<html") {
		t.Fatalf("GET / is not the web agenda: %d\n%.300s", code, body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/python3", "-c", pyDiscover, srv.URL, "alice", "alice-password").CombinedOutput()
	if err != nil {
		t.Fatalf("python3-caldav from %s: %v\n%s", srv.URL, err, out)
	}
	var got struct {
		Principal string
		Calendars []string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.HasSuffix(got.Principal, "/dav/principals/alice/") || len(got.Calendars) != 1 {
		t.Fatalf("python3-caldav from the bare address found %+v", got)
	}
}
