//go:build integration

package main

import (
	"context"
	"html"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// The vdirsyncer configuration of the connect page works as shown: with
// HOME in a temporary directory and the app password in the file it
// names, the real vdirsyncer discovers and syncs the association's
// calendar into ~/.calendars.
func TestVdirsyncerConfigFromConnectPage(t *testing.T) {
	if _, err := exec.LookPath("vdirsyncer"); err != nil {
		t.Fatal("vdirsyncer is needed: apt-get install vdirsyncer")
	}
	ln := newLocalListener(t)
	b := newBackofficeOn(t, "http://"+ln.Addr().String(), ln)
	ctx := context.Background()
	marie := b.users["marie"]
	as := &model.Association{Slug: "amis", Name: "Les amis"}
	if err := b.store.CreateAssociation(ctx, as); err != nil {
		t.Fatal(err)
	}
	if err := b.store.SetMembership(ctx, &model.Membership{UserID: marie.ID, AssociationID: as.ID, Role: model.RoleEditor}); err != nil {
		t.Fatal(err)
	}
	cal := &model.Calendar{Kind: model.CalendarAssociation, AssociationID: as.ID, Slug: "agenda", Name: "Agenda", Public: true}
	if err := b.store.CreateCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "bal-musette", time.Now().Add(72*time.Hour), "Bal musette")}); err != nil {
		t.Fatal(err)
	}
	h, err := db.HashPassword("vdirsyncer app password")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.store.AddAppPassword(ctx, &model.AppPassword{UserID: marie.ID, Name: "khal", Hash: h}); err != nil {
		t.Fatal(err)
	}

	resp := b.signIn(t, "marie", "password of marie")
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "bastide_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", b.srv.URL+"/admin/me/connect", nil)
	req.AddCookie(session)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	m := regexp.MustCompile(`(?s)<pre class="config" id="vdirsyncer-config"[^>]*>(.*?)</pre>`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no vdirsyncer config on the page:\n%s", page)
	}
	config := html.UnescapeString(string(m[1]))

	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".config", "vdirsyncer"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".config", "vdirsyncer", "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".config", "vdirsyncer", "bastide-password"), []byte("vdirsyncer app password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	vdir := func(args ...string) string {
		cmd := exec.CommandContext(vctx, "vdirsyncer", args...)
		cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
		cmd.Stdin = strings.NewReader(strings.Repeat("y\n", 10)) // discover asks before creating local folders
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("vdirsyncer %v: %v\n%s\nconfig:\n%s", args, err, out, config)
		}
		return string(out)
	}
	vdir("discover")
	vdir("sync")
	found := ""
	filepath.WalkDir(filepath.Join(home, ".calendars"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".ics") {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), "Bal musette") {
				found = p
			}
		}
		return nil
	})
	if found == "" {
		t.Fatalf("the association's event did not reach ~/.calendars")
	}
}
