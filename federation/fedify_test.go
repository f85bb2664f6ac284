//go:build integration

package federation

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// fedifyPeer starts the Fedify peer of testdata/fedify on 127.0.0.1. Its
// npm packages live in a cache directory outside the repository
// ($XDG_CACHE_HOME or ~/.cache, /bastide-fedify), installed with `npm ci`
// from the committed lock file when missing.
func fedifyPeer(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: the Fedify interoperability test needs the Debian packages nodejs and npm")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm is not installed: the Fedify interoperability test needs the Debian package npm")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cache, "bastide-fedify")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	changed := false
	for _, name := range []string{"package.json", "package-lock.json"} {
		src, err := os.ReadFile(filepath.Join("testdata", "fedify", name))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		if old, err := os.ReadFile(dst); err != nil || !bytes.Equal(old, src) {
			changed = true
			if err := os.WriteFile(dst, src, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@fedify", "fedify", "package.json")); err != nil || changed {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s failed (is the npm registry reachable?): %v\n%s", dir, err, out)
		}
	}
	// The peer runs from a folder of this test, with the cache's packages
	// linked in: the cache is shared (by every checkout on the machine),
	// and a server.mjs copied there could be another checkout's by the
	// time node reads it.
	run := t.TempDir()
	script, err := os.ReadFile(filepath.Join("testdata", "fedify", "server.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "server.mjs"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "node_modules"), filepath.Join(run, "node_modules")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = run
	cmd.Env = append(os.Environ(), "PORT=0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("Fedify peer stderr:\n%s", stderr.String())
		}
	})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
				port <- p
			}
		}
	}()
	select {
	case p := <-port:
		return "http://127.0.0.1:" + p
	case <-time.After(30 * time.Second):
		t.Fatalf("the Fedify peer did not start: %s", stderr.String())
	}
	return ""
}

type fedifyEntry struct {
	ID, Type, Path, KeyID, Owner string
	Verified                     bool
	HandledBy                    string
	Raw                          map[string]any
}

func fedifyLog(t *testing.T, peer string) []fedifyEntry {
	t.Helper()
	resp, err := http.Get(peer + "/control/log")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []fedifyEntry
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFedifyInterop: Fedify follows a Bastide Group (Bastide verifies
// Fedify's signatures), then receives and verifies, with its own code,
// the signed Accept, Create, Update and Delete Bastide sends.
func TestFedifyInterop(t *testing.T) {
	ctx := context.Background()
	peer := fedifyPeer(t)
	in := newInstance(t, nil)
	assoc, cal := dbtest.Association(t, in.store, "club")
	group := in.fed.URIs().ActorID("club")

	body, _ := json.Marshal(map[string]string{"target": group})
	resp, err := http.Post(peer+"/control/follow", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("Fedify could not send its Follow: %d", resp.StatusCode)
	}
	peerActor := peer + "/users/peer"
	eventually(t, 20*time.Second, "Bastide to accept Fedify's Follow", func() bool {
		f, err := in.store.GetFollower(ctx, assoc.ID, peerActor)
		return err == nil && f.State == db.FollowAccepted
	})

	find := func(typ string) (fedifyEntry, bool) {
		for _, e := range fedifyLog(t, peer) {
			if e.Type == typ {
				return e, true
			}
		}
		return fedifyEntry{}, false
	}
	check := func(typ string) fedifyEntry {
		t.Helper()
		var e fedifyEntry
		eventually(t, 20*time.Second, "Fedify to receive the "+typ, func() bool {
			var ok bool
			e, ok = find(typ)
			return ok
		})
		if !e.Verified || e.KeyID != group+"#main-key" || e.Owner != group {
			t.Fatalf("Fedify did not verify Bastide's signed %s: %+v", typ, e)
		}
		eventually(t, 20*time.Second, "Fedify's inbox to handle the "+typ, func() bool {
			for _, x := range fedifyLog(t, peer) {
				if x.ID == e.ID && x.HandledBy == typ {
					return true
				}
			}
			return false
		})
		return e
	}
	acc := check("Accept")
	if obj, _ := acc.Raw["object"].(map[string]any); obj["actor"] != peerActor || obj["object"] != group {
		t.Fatalf("Accept object %v", acc.Raw["object"])
	}

	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	ev := dbtest.Event(cal.ID, "fedify-1", start, "Marché aux fleurs")
	ev.TZID = "Europe/Paris"
	if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	cr := check("Create")
	obj, _ := cr.Raw["object"].(map[string]any)
	if obj["name"] != "Marché aux fleurs" || obj["id"] != in.fed.URIs().EventID(ev.UUID) || obj["timezone"] != "Europe/Paris" {
		t.Fatalf("Create object as received: %v", obj)
	}
	upd := dbtest.Event(cal.ID, "fedify-1", start, "Marché aux fleurs et aux plantes")
	if _, err := in.store.PutEvent(ctx, db.Put{Event: upd}); err != nil {
		t.Fatal(err)
	}
	up := check("Update")
	if o, _ := up.Raw["object"].(map[string]any); o["name"] != "Marché aux fleurs et aux plantes" {
		t.Fatalf("Update object: %v", o)
	}
	if _, err := in.store.DeleteEvent(ctx, cal.ID, upd.Href, ""); err != nil {
		t.Fatal(err)
	}
	del := check("Delete")
	if o, _ := del.Raw["object"].(map[string]any); o["id"] != in.fed.URIs().EventID(ev.UUID) || o["type"] != "Tombstone" {
		t.Fatalf("Delete object: %v", o)
	}
}

// TestFedifyOrderAfterOutage: Fedify, down for a while (503), then back,
// receives and handles each event's activities in the order they were
// made: an Update made during the outage loses to the one made after it
// only by being dropped, never by arriving last, and an event created
// during the outage and deleted after it is never created at Fedify after
// its Delete. The retry clock starts at 1 s so that the older activities
// are surely in backoff when the newer ones are made.
func TestFedifyOrderAfterOutage(t *testing.T) {
	ctx := context.Background()
	peer := fedifyPeer(t)
	in := newInstance(t, func(c *Config) { c.RetryBase = time.Second })
	assoc, cal := dbtest.Association(t, in.store, "club")
	control := func(path string, v any) {
		t.Helper()
		body, _ := json.Marshal(v)
		resp, err := http.Post(peer+path, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	control("/control/follow", map[string]string{"target": in.fed.URIs().ActorID("club")})
	eventually(t, 20*time.Second, "Bastide to accept Fedify's Follow", func() bool {
		f, err := in.store.GetFollower(ctx, assoc.ID, peer+"/users/peer")
		return err == nil && f.State == db.FollowAccepted
	})
	inbox := peer + "/inbox"
	// handled lists, in order of arrival, the activities about id that
	// Fedify verified and handled, as "Type name".
	handled := func(id string) []string {
		log := fedifyLog(t, peer)
		done := map[string]string{}
		for _, e := range log {
			if e.HandledBy != "" && e.Type == "" {
				done[e.ID] = e.HandledBy
			}
		}
		var out []string
		for _, e := range log {
			obj, _ := e.Raw["object"].(map[string]any)
			if e.Type == "" || obj["id"] != id || !e.Verified {
				continue
			}
			if done[e.ID] == "" && e.HandledBy == "" {
				continue
			}
			name, _ := obj["name"].(string)
			out = append(out, strings.TrimSpace(e.Type+" "+name))
		}
		return out
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	put := func(uid, summary string) string {
		t.Helper()
		ev := dbtest.Event(cal.ID, uid, start, summary)
		if _, err := in.store.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			t.Fatal(err)
		}
		return in.fed.URIs().EventID(ev.UUID)
	}
	concert := put("concert", "Concert v1")
	eventually(t, 20*time.Second, "Fedify to handle the Create", func() bool { return len(handled(concert)) == 1 })

	control("/control/down", map[string]bool{"down": true})
	put("concert", "Concert v2")
	bal := put("bal", "Bal")
	eventually(t, 30*time.Second, "three failed attempts of the Update and of the Create", func() bool {
		return pendingAttempts(t, in.store, concert, "update", inbox) >= 3 && pendingAttempts(t, in.store, bal, "create", inbox) >= 3
	})
	control("/control/down", map[string]bool{"down": false})
	put("concert", "Concert v3")
	ev, err := in.store.GetEventByHref(ctx, cal.ID, "bal.ics")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.store.DeleteEvent(ctx, cal.ID, ev.Href, ""); err != nil {
		t.Fatal(err)
	}
	waitDrained(t, in.store)
	eventually(t, 20*time.Second, "Fedify to handle the last Update", func() bool {
		h := handled(concert)
		return len(h) > 0 && h[len(h)-1] == "Update Concert v3"
	})
	if h := handled(concert); h[0] != "Create Concert v1" || len(h) > 3 {
		t.Errorf("Fedify handled %v for the concert, want its Create, then Updates ending with v3", h)
	}
	for _, h := range handled(bal) {
		if strings.HasPrefix(h, "Create") || strings.HasPrefix(h, "Update") {
			t.Errorf("Fedify was sent the deleted bal (%v): it would show it", handled(bal))
			break
		}
	}
}
