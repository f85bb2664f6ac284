package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// server is a running `bastide serve`.
type server struct {
	cmd  *exec.Cmd
	url  string
	mu   sync.Mutex
	logs bytes.Buffer
	done chan error
}

func (s *server) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.Write(p)
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs serve on a free port and waits for /healthz.
func startServe(t *testing.T, data string, args ...string) *server {
	t.Helper()
	return startServeAt(t, data, freePort(t), args...)
}

// startServeAt runs serve on addr (a restart keeps its address, hence its
// base URL) and waits for /healthz.
func startServeAt(t *testing.T, data, addr string, args ...string) *server {
	t.Helper()
	s := &server{url: "http://" + addr, done: make(chan error, 1)}
	s.cmd = exec.Command(binary, append([]string{"serve", "--addr", addr}, args...)...)
	s.cmd.Env = append(cleanEnv(), "BASTIDE_DATA="+data, "BASTIDE_LOG_FORMAT=json")
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case err := <-s.done:
			t.Fatalf("serve exited early: %v\n%s", err, s.log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer /healthz within 30s\n%s", s.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and requires a clean exit within a few seconds.
func (s *server) stop(t *testing.T) {
	t.Helper()
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM\n%s", err, s.log())
		}
	case <-time.After(30 * time.Second):
		// twice --shutdown-timeout: requests in flight, then deliveries
		t.Fatalf("serve still running %s after SIGTERM\n%s", time.Since(start), s.log())
	}
	if !strings.Contains(s.log(), `"msg":"stopped"`) {
		t.Fatalf("no clean stop in the log:\n%s", s.log())
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, b)
	}
	return string(b)
}

func count(t *testing.T, s *db.Store, table string) int {
	t.Helper()
	var n int
	if err := s.Reader().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestServeDemo(t *testing.T) {
	data := t.TempDir()
	srv := startServe(t, data, "--demo")
	if !strings.Contains(srv.log(), `"msg":"demo data seeded"`) || !strings.Contains(srv.log(), demoPassword) {
		t.Fatalf("seeding not logged with the demo password:\n%s", srv.log())
	}

	page := get(t, srv.url+"/")
	for _, want := range []string{"Marché hebdomadaire", "Réunion mensuelle des adhérents"} {
		if !strings.Contains(page, want) {
			t.Errorf("/ does not list %q", want)
		}
	}

	store := openStore(t, data)
	ctx := context.Background()
	as, err := store.ListAssociations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) < 8 {
		t.Fatalf("%d associations, want at least 8", len(as))
	}
	communes := map[string]bool{}
	for _, a := range as {
		communes[a.CommuneINSEE] = true
	}
	for _, c := range []string{"47001", "47323", "47157", "47195", "47106", "47310", "47052", "47175"} {
		if !communes[c] {
			t.Errorf("no demo association in commune %s", c)
		}
	}
	events := count(t, store, "events")
	if events < 180 || events > 220 {
		t.Fatalf("%d demo events, want about 200", events)
	}
	var recurring, cancelled, overrides, users int
	store.Reader().QueryRow("SELECT count(*) FROM events WHERE recurring = 1").Scan(&recurring)
	store.Reader().QueryRow("SELECT count(*) FROM events WHERE status = 'CANCELLED'").Scan(&cancelled)
	store.Reader().QueryRow("SELECT count(*) FROM event_instances WHERE override = 1").Scan(&overrides)
	if recurring < 5 || cancelled != 1 || overrides < 1 {
		t.Fatalf("recurring %d, cancelled %d, overrides %d", recurring, cancelled, overrides)
	}
	if _, err := store.CheckUserPassword(ctx, demoUsername, demoPassword); err != nil {
		t.Fatalf("demo user: %v", err)
	}
	demo, _ := store.GetUserByUsername(ctx, demoUsername)
	if ms, _ := store.ListMemberships(ctx, demo.ID); len(ms) < 2 {
		t.Fatalf("demo user is member of %d associations", len(ms))
	}
	users = count(t, store, "users")
	seq, _ := store.LastSeq(ctx)

	// A backup while serve runs, then open the copy.
	copyPath := filepath.Join(t.TempDir(), "backup", "copy.db")
	r := cli(t, data, "", "backup", copyPath)
	r.must(t, 0, "written to "+copyPath)
	if !regexp.MustCompile(`\([0-9.]+ (KiB|MiB)\)`).MatchString(r.stdout) {
		t.Fatalf("backup size not reported: %s", r.stdout)
	}
	cli(t, data, "", "backup", copyPath).must(t, 1, "already exists")
	cp, err := db.Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, cp, "events"); n != events {
		t.Fatalf("backup has %d events, want %d", n, events)
	}
	if res, err := cp.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("backup integrity: %q %v", res, err)
	}
	cp.Close()

	checkRouting(t, srv.url, store)
	srv.stop(t)

	// Restart with --demo: nothing is seeded twice.
	srv = startServeAt(t, data, strings.TrimPrefix(srv.url, "http://"), "--demo")
	if !strings.Contains(srv.log(), "demo data already present") {
		t.Fatalf("restart did not notice the demo data:\n%s", srv.log())
	}
	if n := count(t, store, "events"); n != events {
		t.Fatalf("%d events after restart, want %d", n, events)
	}
	if n := count(t, store, "users"); n != users {
		t.Fatalf("%d users after restart, want %d", n, users)
	}
	if s2, _ := store.LastSeq(ctx); s2 != seq {
		t.Fatalf("change log moved from %d to %d on restart", seq, s2)
	}
	srv.stop(t)
}

func TestServeRefusesBadConfig(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "", "serve", "--addr", "0.0.0.0:0").must(t, 2, "--base-url (BASTIDE_BASE_URL) is required")
	cliEnv(t, data, "", []string{"BASTIDE_BASE_URL=ftp://x"}, "serve").must(t, 2, "BASTIDE_BASE_URL", "not an absolute http(s) URL")
	if _, err := os.Stat(filepath.Join(data, "bastide.db")); err == nil {
		t.Fatal("a refused serve created a database")
	}
	// A port in use is a clear error, not a hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cli(t, data, "", "serve", "--addr", ln.Addr().String()).must(t, 1, "address already in use", "--addr")
}

func TestDemoOnlyFillsAnEmptyInstance(t *testing.T) {
	data := t.TempDir()
	cli(t, data, "", "association", "add", "real-one", "--name", "Une vraie association").must(t, 0)
	srv := startServe(t, data, "--demo")
	if !strings.Contains(srv.log(), "--demo ignored") {
		t.Fatalf("no warning:\n%s", srv.log())
	}
	store := openStore(t, data)
	if n := count(t, store, "associations"); n != 1 {
		t.Fatalf("%d associations, want 1", n)
	}
	srv.stop(t)
}

// checkRouting checks that the root mux sends each path to its package:
// CalDAV, federation (discovery, actors, the ActivityPub side of pages) and
// web (the HTML side).
func checkRouting(t *testing.T, base string, store *db.Store) {
	t.Helper()
	ctx := context.Background()
	a, err := store.GetAssociationBySlug(ctx, "comite-fetes-agen")
	if err != nil {
		t.Fatal(err)
	}
	cal, _ := store.GetAssociationCalendar(ctx, a.ID, defaultCalendarSlug)
	evs, _ := store.ListEvents(ctx, cal.ID, false)
	if len(evs) == 0 {
		t.Fatal("no demo events")
	}
	var ev string
	for _, e := range evs {
		// A single event: a recurring series is on the fediverse as its
		// occurrences, its own URL is no ActivityPub Event.
		if e.Status != "CANCELLED" && !e.Recurring {
			ev = "/events/" + e.UUID
			break
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	type check struct {
		method, path, accept string
		auth                 bool
		status               int
		ctype, body          string
	}
	const ap = "application/activity+json"
	for _, c := range []check{
		{"GET", "/.well-known/caldav", "", false, http.StatusMovedPermanently, "", ""},
		{"PROPFIND", "/dav/", "", false, http.StatusUnauthorized, "", ""},
		{"PROPFIND", "/dav/", "", true, http.StatusMultiStatus, "xml", "/dav/"},
		{"GET", "/.well-known/webfinger?resource=acct:comite-fetes-agen@" + strings.Replace(strings.TrimPrefix(base, "http://"), "127.0.0.1", "localhost", 1), "", false, http.StatusOK, "application/jrd+json", "/@comite-fetes-agen"},
		{"GET", "/.well-known/nodeinfo", "", false, http.StatusOK, "json", "nodeinfo"},
		{"GET", "/@comite-fetes-agen", "", false, http.StatusOK, "text/html", "Comité des fêtes"},
		{"GET", "/@comite-fetes-agen", ap, false, http.StatusOK, ap, `"Group"`},
		{"GET", "/@comite-fetes-agen/outbox", "", false, http.StatusOK, ap, "OrderedCollection"},
		{"GET", ev, "", false, http.StatusOK, "text/html", "<html"},
		{"GET", ev, `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`, false, http.StatusOK, ap, `"Event"`},
		{"GET", "/", "", false, http.StatusOK, "text/html", "Agenda"},
	} {
		req, _ := http.NewRequest(c.method, base+c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept", c.accept)
		}
		if c.auth {
			req.SetBasicAuth(demoUsername, demoPassword)
		}
		if c.method == "PROPFIND" {
			req.Header.Set("Depth", "0")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(resp.Header.Get("Content-Type"), c.ctype) || !strings.Contains(string(b), c.body) {
			t.Errorf("%s %s (Accept %q): %s %q, want %d %q containing %q\n%.300s", c.method, c.path, c.accept,
				resp.Status, resp.Header.Get("Content-Type"), c.status, c.ctype, c.body, b)
		}
	}
}

func TestObserveMiddleware(t *testing.T) {
	var logs bytes.Buffer
	log, err := newLogger(&logs, "json", "debug")
	if err != nil {
		t.Fatal(err)
	}
	h := observe(log, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.InfoContext(r.Context(), "inside")
		if r.URL.Path == "/boom" {
			panic("boom")
		}
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("short"))
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/tea", nil)
	req.Header.Set("X-Request-Id", "proxy-id-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot || resp.Header.Get("X-Request-Id") != "proxy-id-42" {
		t.Fatalf("%s, id %q", resp.Status, resp.Header.Get("X-Request-Id"))
	}
	out := logs.String()
	for _, want := range []string{`"msg":"inside","request_id":"proxy-id-42"`, `"msg":"request","method":"GET","path":"/tea","status":418,"bytes":5`} {
		if !strings.Contains(out, want) {
			t.Fatalf("log lacks %s:\n%s", want, out)
		}
	}
	req, _ = http.NewRequest("GET", srv.URL+"/boom", nil)
	req.Header.Set("X-Request-Id", "bad id with spaces")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError || len(resp.Header.Get("X-Request-Id")) != 16 {
		t.Fatalf("panic: %s, id %q", resp.Status, resp.Header.Get("X-Request-Id"))
	}
	if !strings.Contains(logs.String(), `"msg":"handler panic"`) {
		t.Fatalf("panic not logged:\n%s", logs.String())
	}
}
