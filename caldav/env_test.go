package caldav

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// Test users: alice owns "amis", bob edits it, victor views it; carol owns
// "autre" and belongs to nothing else.
var passwords = map[string]string{
	"alice": "alice-password", "bob": "bob-password", "victor": "victor-password", "carol": "carol-password",
}

var (
	hashOnce sync.Once
	hashes   map[string]string
)

func passwordHashes(t testing.TB) map[string]string {
	hashOnce.Do(func() {
		hashes = map[string]string{}
		// The cost is read from each hash when checking: the minimum cost
		// keeps the tests fast (db.HashPassword's cost is tested in db).
		for u, p := range passwords {
			h, err := bcrypt.GenerateFromPassword([]byte(p), bcrypt.MinCost)
			if err != nil {
				panic(err)
			}
			hashes[u] = string(h)
		}
	})
	return hashes
}

type env struct {
	t        testing.TB
	store    *db.Store
	h        http.Handler
	opts     Options
	logs     *bytes.Buffer
	amis     *model.Association
	amisCal  *model.Calendar
	autre    *model.Association
	autreCal *model.Calendar
	users    map[string]*model.User
	now      time.Time
	mu       sync.Mutex
}

// fixedNow is the clock of the tests: the horizon of stored occurrences
// starts here.
var fixedNow = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)

func newEnv(t testing.TB, mod ...func(*Options)) *env {
	t.Helper()
	s := dbtest.New(t)
	ctx := context.Background()
	e := &env{t: t, store: s, users: map[string]*model.User{}, logs: &bytes.Buffer{}, now: fixedNow}
	hs := passwordHashes(t)
	for _, name := range []string{"alice", "bob", "victor", "carol"} {
		u := &model.User{Username: name, DisplayName: strings.ToUpper(name[:1]) + name[1:], Email: name + "@example.org", PasswordHash: hs[name]}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		e.users[name] = u
	}
	e.amis, e.amisCal = dbtest.Association(t, s, "amis")
	e.autre, e.autreCal = dbtest.Association(t, s, "autre")
	for _, m := range []model.Membership{
		{UserID: e.users["alice"].ID, AssociationID: e.amis.ID, Role: model.RoleOwner},
		{UserID: e.users["bob"].ID, AssociationID: e.amis.ID, Role: model.RoleEditor},
		{UserID: e.users["victor"].ID, AssociationID: e.amis.ID, Role: model.RoleViewer},
		{UserID: e.users["carol"].ID, AssociationID: e.autre.ID, Role: model.RoleOwner},
	} {
		if err := s.SetMembership(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	e.opts = Options{Now: e.clock}
	for _, f := range mod {
		f(&e.opts)
	}
	logger := slog.New(slog.NewTextHandler(syncWriter{e}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.h = NewHandler(s, logger, e.opts)
	return e
}

type syncWriter struct{ e *env }

func (w syncWriter) Write(p []byte) (int, error) {
	w.e.mu.Lock()
	defer w.e.mu.Unlock()
	return w.e.logs.Write(p)
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// resp is a finished response.
type resp struct {
	code   int
	header http.Header
	body   string
}

// do sends a request as user ("" for anonymous); hdr holds header
// name/value pairs.
func (e *env) do(user, method, path, body string, hdr ...string) resp {
	e.t.Helper()
	return e.doFrom("192.0.2.1:1234", user, passwords[user], method, path, body, hdr...)
}

func (e *env) doFrom(addr, user, pass, method, path, body string, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, "http://bastide.test"+path, rd)
	req.RemoteAddr = addr
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return resp{code: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// testdata reads caldav/testdata/name, replacing {{KEY}} with values.
func testdata(t testing.TB, name string, kv ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{{"+kv[i]+"}}", kv[i+1])
	}
	return s
}

func (r resp) must(t testing.TB, code int, what string) resp {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: status %d, want %d; body:\n%s", what, r.code, code, r.body)
	}
	return r
}

func (r resp) has(t testing.TB, what string, subs ...string) resp {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.body, s) {
			t.Fatalf("%s: body lacks %q:\n%s", what, s, r.body)
		}
	}
	return r
}

func (r resp) lacks(t testing.TB, what string, subs ...string) resp {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(r.body, s) {
			t.Fatalf("%s: body has %q:\n%s", what, s, r.body)
		}
	}
	return r
}

const amisMain = "/dav/calendars/alice/amis.main/"

func calPath(user, seg string) string { return "/dav/calendars/" + user + "/" + seg + "/" }

// event returns a simple VEVENT object text.
func event(uid, start, end, summary string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bastide//test//FR\r\nBEGIN:VEVENT\r\nUID:" + uid +
		"\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:" + start + "\r\nDTEND:" + end + "\r\nSUMMARY:" + summary +
		"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

func (e *env) put(user, path, data string, hdr ...string) resp {
	e.t.Helper()
	return e.do(user, "PUT", path, data, append([]string{"Content-Type", "text/calendar; charset=utf-8"}, hdr...)...)
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func urlUnescapePath(p string) (string, error) { return url.PathUnescape(p) }

func hashFor(p string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(p), bcrypt.MinCost)
	return string(h), err
}

func appPassword(userID int64, name, hash string) *model.AppPassword {
	return &model.AppPassword{UserID: userID, Name: name, Hash: hash}
}
