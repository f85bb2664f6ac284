package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// backoffice is the wired root handler over a real store, served on
// 127.0.0.1, with an admin and a member.
type backoffice struct {
	store *db.Store
	srv   *httptest.Server
	hs    *handlers
	users map[string]*model.User
}

func newBackoffice(t *testing.T, baseURL string) *backoffice {
	t.Helper()
	return newBackofficeOn(t, baseURL, nil)
}

func newLocalListener(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// newBackofficeOn serves on ln (a new local port when nil).
func newBackofficeOn(t *testing.T, baseURL string, ln net.Listener) *backoffice {
	t.Helper()
	// Private addresses allowed: the feeds of the tests are on 127.0.0.1.
	return newBackofficeWith(t, &Config{BaseURL: baseURL, AllowPrivateAddresses: true}, ln)
}

// newBackofficeWith is newBackofficeOn with a configuration of the test's.
func newBackofficeWith(t testing.TB, cfg *Config, ln net.Listener) *backoffice {
	t.Helper()
	store := dbtest.New(t)
	b := &backoffice{store: store, users: map[string]*model.User{}}
	for _, u := range []struct {
		name  string
		admin bool
	}{{"admin", true}, {"marie", false}} {
		h, err := db.HashPassword("password of " + u.name)
		if err != nil {
			t.Fatal(err)
		}
		m := &model.User{Username: u.name, PasswordHash: h, Admin: u.admin}
		if err := store.CreateUser(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		b.users[u.name] = m
	}
	hs, err := buildHandler(store, slog.New(slog.DiscardHandler), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.hs = hs
	b.srv = httptest.NewUnstartedServer(hs.root)
	if ln != nil {
		b.srv.Listener.Close()
		b.srv.Listener = ln
	}
	b.srv.Start()
	t.Cleanup(b.srv.Close)
	return b
}

// runWorker runs the wired worker name (federation, sessions...) until
// the end of the test.
func (b *backoffice) runWorker(t testing.TB, name string) {
	t.Helper()
	for _, w := range b.hs.workers {
		if w.name != name {
			continue
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			w.run(ctx)
		}()
		t.Cleanup(func() { cancel(); <-done })
		return
	}
	t.Fatalf("no worker %q", name)
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (b *backoffice) signIn(t testing.TB, name, pass string) *http.Response {
	t.Helper()
	resp, err := noRedirect.PostForm(b.srv.URL+"/admin/login", url.Values{"username": {name}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (b *backoffice) propfind(t *testing.T, user, pass string) int {
	t.Helper()
	req, _ := http.NewRequest("PROPFIND", b.srv.URL+"/dav/", strings.NewReader(""))
	req.Header.Set("Depth", "0")
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Wrong passwords on the web sign-in form count for CalDAV: one throttle
// is built in cmd and handed to both.
func TestWebAndCalDAVShareTheThrottle(t *testing.T) {
	b := newBackoffice(t, "http://127.0.0.1")
	if code := b.propfind(t, "marie", "password of marie"); code != http.StatusMultiStatus {
		t.Fatalf("CalDAV before: %d", code)
	}
	// Ten wrong passwords for admin on the web (the default per-user bound)
	// guard the account against this address, which never signed in as admin.
	for i := 0; i < 10; i++ {
		if resp := b.signIn(t, "admin", "guess "+strconv.Itoa(i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong web password %d: %d", i, resp.StatusCode)
		}
	}
	if code := b.propfind(t, "admin", "password of admin"); code != http.StatusTooManyRequests {
		t.Fatalf("CalDAV from the address that guessed on the web: %d, want 429", code)
	}
}

// Disabling an account in the back office stops its CalDAV logins at once,
// even one that CalDAV verified a moment ago and remembers.
func TestDisablingStopsCalDAVAtOnce(t *testing.T) {
	b := newBackoffice(t, "http://127.0.0.1")
	if code := b.propfind(t, "marie", "password of marie"); code != http.StatusMultiStatus {
		t.Fatalf("CalDAV before: %d", code)
	}
	resp := b.signIn(t, "admin", "password of admin")
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "bastide_session" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("admin sign-in: %d %v", resp.StatusCode, resp.Cookies())
	}
	if session.Secure {
		t.Fatal("over http the session cookie cannot be Secure")
	}
	req, _ := http.NewRequest("POST", b.srv.URL+"/admin/users/"+strconv.FormatInt(b.users["marie"].ID, 10)+"/disable", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(session)
	r2, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", r2.StatusCode)
	}
	if code := b.propfind(t, "marie", "password of marie"); code != http.StatusUnauthorized {
		t.Fatalf("CalDAV after disabling: %d, want 401", code)
	}
}

// An https base URL makes the session cookie Secure.
func TestSessionCookieSecureWithHTTPSBaseURL(t *testing.T) {
	b := newBackoffice(t, "https://agenda.example.org")
	resp := b.signIn(t, "marie", "password of marie")
	for _, c := range resp.Cookies() {
		if c.Name == "bastide_session" {
			if !c.Secure || !c.HttpOnly {
				t.Fatalf("cookie %+v", c)
			}
			return
		}
	}
	t.Fatalf("no session cookie (%d)", resp.StatusCode)
}

// The sessions worker is wired, and one sweep removes what can no longer
// be used while keeping live sessions.
func TestSessionCleanupJob(t *testing.T) {
	b := newBackoffice(t, "http://127.0.0.1")
	var job *worker
	for i := range b.hs.workers {
		if b.hs.workers[i].name == "sessions" {
			job = &b.hs.workers[i]
		}
	}
	if job == nil {
		t.Fatal("no sessions worker")
	}
	ctx := context.Background()
	now := time.Now().UTC()
	uid := b.users["marie"].ID
	if _, err := b.store.CreateSession(ctx, uid, now.Add(-30*24*time.Hour), now.Add(-23*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.CreateSession(ctx, uid, now.Add(-sessionIdle-time.Hour), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.CreateSession(ctx, uid, now, now.Add(sessionMaxLife)); err != nil {
		t.Fatal(err)
	}
	// The job sweeps once at start, then waits for its ticker or the end.
	jctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- job.run(jctx) }()
	n := -1
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var err error
		if n, err = b.store.CountSessions(ctx, uid); err != nil || n == 1 {
			break
		}
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("job ended with %v", err)
	}
	if n != 1 {
		t.Fatalf("%d sessions left, want the live one", n)
	}
}
