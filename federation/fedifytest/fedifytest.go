// Package fedifytest starts Fedify, an independent ActivityPub
// implementation, as a peer on 127.0.0.1 for the integration tests of
// federation and of cmd/bastide: it follows a Group on request and logs
// every activity posted to its inboxes with the verdict of Fedify's own
// signature check.
//
// The peer's script and its npm lock file are in peer/ (embedded). Its npm
// packages live in a cache directory outside the repository
// ($XDG_CACHE_HOME or ~/.cache, /bastide-fedify), installed with `npm ci`
// from the lock file when missing; the first run needs the npm registry.
package fedifytest

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

//go:embed peer/server.mjs peer/package.json peer/package-lock.json
var peerFiles embed.FS

// Peer is a running Fedify peer. Its one actor is URL+"/users/peer".
type Peer struct {
	URL string
}

// Actor is the id of the peer's Person.
func (p *Peer) Actor() string { return p.URL + "/users/peer" }

// Inbox is the peer's shared inbox.
func (p *Peer) Inbox() string { return p.URL + "/inbox" }

// Start runs the peer until the end of the test. A missing node or npm
// fails the test: the integration tier never skips.
func Start(t testing.TB) *Peer {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: the Fedify peer needs the Debian packages nodejs and npm")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatal("npm is not installed: the Fedify peer needs the Debian package npm")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(cache, "bastide-fedify")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := peerFiles.ReadFile(path.Join("peer", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	changed := false
	for _, name := range []string{"package.json", "package-lock.json"} {
		src := read(name)
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
	if err := os.WriteFile(filepath.Join(run, "server.mjs"), read("server.mjs"), 0o644); err != nil {
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
		return &Peer{URL: "http://127.0.0.1:" + p}
	case <-time.After(30 * time.Second):
		t.Fatalf("the Fedify peer did not start: %s", stderr.String())
	}
	return nil
}

// Entry is one line of the peer's log: an activity its inbox received
// (Type set, Verified telling whether Fedify checked Bastide's signature),
// or, for an activity Fedify's own inbox handled after its checks, its id
// and HandledBy.
type Entry struct {
	ID, Type, Path, KeyID, Owner string
	Verified                     bool
	HandledBy                    string
	Raw                          map[string]any
}

// Log returns what the peer received so far, in order.
func (p *Peer) Log(t testing.TB) []Entry {
	t.Helper()
	resp, err := http.Get(p.URL + "/control/log")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []Entry
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Control posts v as JSON to one of the peer's control paths
// (/control/follow {"target": actor}, /control/down {"down": bool}).
func (p *Peer) Control(t testing.TB, path string, v any) {
	t.Helper()
	body, _ := json.Marshal(v)
	resp, err := http.Post(p.URL+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("Fedify peer %s: %d", path, resp.StatusCode)
	}
}

// Follow has the peer send a Follow to the actor target.
func (p *Peer) Follow(t testing.TB, target string) {
	t.Helper()
	p.Control(t, "/control/follow", map[string]string{"target": target})
}
