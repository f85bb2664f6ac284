//go:build integration

package caldav_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// pruneAll dates every change log row far back and prunes the log as the
// serve job does once the horizon has passed (the publisher has read it
// all).
func pruneAll(t *testing.T, s *db.Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Writer().ExecContext(ctx, `UPDATE changes SET at = '2020-01-01T00:00:00Z'`); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, db.MetaPublisherSeq, strconv.FormatInt(last, 10)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneChanges(ctx, time.Now()); err != nil || n == 0 {
		t.Fatalf("prune: %d rows, %v", n, err)
	}
}

// A python3-caldav client whose token is older than the pruned log is
// refused with DAV:valid-sync-token, syncs again from scratch and ends up
// with the calendar as it is: nothing lost, nothing twice.
func TestPrunedTokenPythonCaldav(t *testing.T) {
	t.Parallel()
	env := newRealEnv(t, nil)
	davURL := env.srv.URL + "/dav/"
	name := env.cal.Name
	hrefOf := map[string]string{}
	for _, ev := range [][2]string{{"a@prune", "Assemblée générale"}, {"b@prune", "Bal"}, {"c@prune", "Concert"}} {
		r := runPy(t, "put", davURL, "alice", env.alicePass, name, ev[0], ev[1])
		hrefOf[ev[0]], _ = r["href"].(string)
	}
	first := runPy(t, "sync", davURL, "alice", env.alicePass, name)
	token, _ := first["token"].(string)
	jsonEq(t, "first sync", first["objects"], map[string]string{hrefOf["a@prune"]: "Assemblée générale", hrefOf["b@prune"]: "Bal", hrefOf["c@prune"]: "Concert"})

	// Meanwhile: b changes, c goes, d comes; then the log is pruned.
	runPy(t, "put", davURL, "alice", env.alicePass, name, "b@prune", "Bal masqué")
	calURL := env.srv.URL + "/dav/calendars/alice/" + env.assoc.Slug + "." + env.cal.Slug + "/"
	if st, _, body := rawDAV(t, "DELETE", calURL+hrefOf["c@prune"], "alice", env.alicePass, nil, ""); st != http.StatusNoContent {
		t.Fatalf("DELETE c: %d %s", st, body)
	}
	d := runPy(t, "put", davURL, "alice", env.alicePass, name, "d@prune", "Dictée")
	hrefOf["d@prune"], _ = d["href"].(string)
	pruneAll(t, env.store)

	st, _, body := rawDAV(t, "REPORT", calURL, "alice", env.alicePass, map[string]string{"Content-Type": "application/xml"},
		`<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>`+token+`</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`)
	if st != http.StatusForbidden || !strings.Contains(body, "valid-sync-token") || !strings.Contains(body, "sync again from scratch") {
		t.Fatalf("sync from a pruned token: %d %s, want 403 DAV:valid-sync-token", st, body)
	}
	again := runPy(t, "resync", davURL, "alice", env.alicePass, name, token)
	if refused, _ := again["refused"].(string); refused == "" {
		t.Errorf("python3-caldav's sync from the pruned token was not refused: %v", again)
	}
	jsonEq(t, "full sync after the refusal", again["objects"], map[string]string{hrefOf["a@prune"]: "Assemblée générale", hrefOf["b@prune"]: "Bal masqué", hrefOf["d@prune"]: "Dictée"})
	// The token of that full sync is good, and the next change follows it.
	token2, _ := again["token"].(string)
	runPy(t, "put", davURL, "alice", env.alicePass, name, "a@prune", "Assemblée générale extraordinaire")
	next := runPy(t, "sync", davURL, "alice", env.alicePass, name, token2)
	jsonEq(t, "delta after the resync", next["objects"], map[string]string{hrefOf["a@prune"]: "Assemblée générale extraordinaire"})
}

// vdirsyncer, after the log was pruned under it, still ends up with the
// calendar as it is, each event once.
func TestPrunedLogVdirsyncer(t *testing.T) {
	t.Parallel()
	needTool(t, "vdirsyncer", "vdirsyncer")
	env := newRealEnv(t, nil)
	davURL := env.srv.URL + "/dav/"
	calSeg := env.assoc.Slug + "." + env.cal.Slug
	for _, ev := range [][2]string{{"a@vd", "Assemblée"}, {"b@vd", "Bal"}, {"c@vd", "Concert"}} {
		runPy(t, "put", davURL, "alice", env.alicePass, env.cal.Name, ev[0], ev[1])
	}
	work := t.TempDir()
	conf := filepath.Join(work, "config")
	local := filepath.Join(work, "local", calSeg)
	writeVdirsyncerConfig(t, conf, work, env.srv.URL+"/", "bob", env.bobPass, calSeg)
	vd := func(args ...string) {
		t.Helper()
		if out, err := runClient(t, 60*time.Second, nil, "vdirsyncer", append([]string{"-c", conf}, args...)...); err != nil {
			t.Fatalf("vdirsyncer %v: %v\n%s", args, err, out)
		}
	}
	vd("discover", "t")
	vd("sync", "t")
	runPy(t, "put", davURL, "alice", env.alicePass, env.cal.Name, "b@vd", "Bal masqué")
	calURL := env.srv.URL + "/dav/calendars/alice/" + calSeg + "/"
	r := runPy(t, "sync", davURL, "alice", env.alicePass, env.cal.Name)
	for href, summary := range r["objects"].(map[string]any) {
		if summary == "Concert" {
			if st, _, body := rawDAV(t, "DELETE", calURL+href, "alice", env.alicePass, nil, ""); st != http.StatusNoContent {
				t.Fatalf("DELETE: %d %s", st, body)
			}
		}
	}
	runPy(t, "put", davURL, "alice", env.alicePass, env.cal.Name, "d@vd", "Dictée")
	pruneAll(t, env.store)
	vd("sync", "t")

	files, _ := filepath.Glob(filepath.Join(local, "*.ics"))
	var got []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if s, ok := strings.CutPrefix(strings.TrimSpace(l), "SUMMARY:"); ok {
				got = append(got, s)
			}
		}
	}
	sort.Strings(got)
	jsonEq(t, "bob's events after the pruning", got, []string{"Assemblée", "Bal masqué", "Dictée"})
}
