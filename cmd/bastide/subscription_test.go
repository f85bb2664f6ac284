package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation/remote"
)

// feedServer is a feed on 127.0.0.1 whose answer the test changes between
// fetches.
type feedServer struct {
	srv *httptest.Server
	mu  sync.Mutex
	// body, status and ctype are what the next GET gets; etag "" turns
	// conditional requests off (the server then always sends 200).
	body, ctype, etag string
	status            int
	stall             bool
	requests          atomic.Int64
	stop              chan struct{}
}

func newFeedServer(t testing.TB) *feedServer {
	t.Helper()
	f := &feedServer{status: 200, ctype: "text/calendar; charset=utf-8", stop: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		f.mu.Lock()
		body, ctype, etag, status, stall := f.body, f.ctype, f.etag, f.status, f.stall
		f.mu.Unlock()
		if etag != "" && r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", ctype)
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
		if stall {
			w.(http.Flusher).Flush()
			select {
			case <-f.stop:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(func() { close(f.stop); f.srv.Close() })
	return f
}

func (f *feedServer) set(status int, body, etag string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body, f.etag, f.ctype, f.stall = status, body, etag, "text/calendar; charset=utf-8", false
}

// feedOf builds a feed from VEVENT bodies (without BEGIN/END).
func feedOf(events ...string) string {
	var sb strings.Builder
	sb.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//feed//EN\r\n")
	for _, e := range events {
		sb.WriteString("BEGIN:VEVENT\r\n" + e + "END:VEVENT\r\n")
	}
	sb.WriteString("END:VCALENDAR\r\n")
	return sb.String()
}

func vevent(uid, summary string, day int) string {
	return fmt.Sprintf("UID:%s\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:202701%02dT180000Z\r\nDTEND:202701%02dT200000Z\r\nSUMMARY:%s\r\n", uid, day, day, summary)
}

type subEnv struct {
	store *db.Store
	a     *model.Association
	cal   *model.Calendar
	sub   *model.Subscription
	r     *refresher
	feed  *feedServer
	now   time.Time
}

func newSubEnv(t *testing.T) *subEnv {
	t.Helper()
	ctx := context.Background()
	e := &subEnv{store: dbtest.New(t), feed: newFeedServer(t), now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	e.a, _ = dbtest.Association(t, e.store, "club")
	var err error
	e.sub = &model.Subscription{URL: e.feed.srv.URL + "/club.ics"}
	e.cal, _, err = e.store.SubscribeCalendar(ctx, e.a.ID, slugFromHost(e.feed.srv.URL), "", true, e.sub)
	if err != nil {
		t.Fatal(err)
	}
	client := remote.New(remote.Options{AllowPrivate: true, MaxBody: 2 << 20, Timeout: 3 * time.Second, ReadIdle: 300 * time.Millisecond})
	e.r = &refresher{store: e.store, client: client, log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: func() time.Time { return e.now }}
	return e
}

// refresh runs one refresh of the subscription as stored now.
func (e *subEnv) refresh(t *testing.T) *refreshOutcome {
	t.Helper()
	ctx := context.Background()
	sub, err := e.store.GetSubscription(ctx, e.sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.r.refresh(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// summaries lists the stored events as "uid=summary", sorted.
func (e *subEnv) summaries(t *testing.T) string {
	t.Helper()
	evs, err := e.store.ListEvents(context.Background(), e.cal.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, ev.UID+"="+ev.Summary)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func (e *subEnv) seq(t *testing.T) int64 {
	t.Helper()
	c, err := e.store.GetCalendar(context.Background(), e.cal.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c.Seq
}

func (e *subEnv) stored(t *testing.T) *model.Subscription {
	t.Helper()
	s, err := e.store.GetSubscription(context.Background(), e.sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSubscriptionRefreshFollowsTheFeed(t *testing.T) {
	e := newSubEnv(t)
	e.feed.set(200, feedOf(vevent("a@club", "Assemblée", 5), vevent("b@club", "Bal", 6), vevent("c@club", "Concert", 7)), `"v1"`)
	out := e.refresh(t)
	if out.Err != nil || out.Report.Added != 3 || e.summaries(t) != "a@club=Assemblée b@club=Bal c@club=Concert" {
		t.Fatalf("first refresh: %+v %+v: %s", out, out.Report, e.summaries(t))
	}
	s := e.stored(t)
	if s.ETag != `"v1"` || s.BodySHA256 == "" || !s.LastSuccess.Equal(e.now) || !s.NextAt.Equal(e.now.Add(time.Hour)) || s.LastErrorCode != "" {
		t.Fatalf("recorded %+v", s)
	}
	seq := e.seq(t)

	// 304: one request, no work, no change logged.
	before := e.feed.requests.Load()
	if out := e.refresh(t); !out.NotModified || out.Report != nil {
		t.Fatalf("304: %+v", out)
	}
	if n := e.feed.requests.Load() - before; n != 1 || e.seq(t) != seq {
		t.Fatalf("304: %d requests, seq %d -> %d", n, seq, e.seq(t))
	}
	// A server that ignores conditional requests: the same body again is
	// recognised by its hash.
	e.feed.set(200, e.feed.body, "")
	if out := e.refresh(t); !out.SameBody || out.Report != nil || e.seq(t) != seq {
		t.Fatalf("same body: %+v, seq %d -> %d", out, seq, e.seq(t))
	}

	// A changed, an added, a removed event, and a broken copy of c: the
	// broken one is refused and its stored copy kept.
	e.feed.set(200, feedOf(vevent("a@club", "Assemblée générale", 5), "UID:c@club\r\nSUMMARY:no start\r\n", vevent("d@club", "Danse", 8)), `"v2"`)
	out = e.refresh(t)
	rep := out.Report
	if out.Err != nil || rep.Added != 1 || rep.Updated != 1 || rep.Deleted != 1 || len(rep.Refused) != 1 || rep.Refused[0].UID != "c@club" {
		t.Fatalf("change: %+v %+v", out, rep)
	}
	if got := e.summaries(t); got != "a@club=Assemblée générale c@club=Concert d@club=Danse" {
		t.Fatalf("after change: %s", got)
	}
	// Exactly three changes logged: the update, the add and the delete.
	if e.seq(t)-seq != 3 {
		t.Fatalf("%d changes logged, want 3", e.seq(t)-seq)
	}
}

// Each bad answer is recorded in words, backs off, and changes nothing
// stored; a success afterwards clears the failure.
func TestSubscriptionFailuresChangeNothing(t *testing.T) {
	e := newSubEnv(t)
	good := feedOf(vevent("a@club", "Assemblée", 5), vevent("b@club", "Bal", 6))
	e.feed.set(200, good, "")
	if out := e.refresh(t); out.Err != nil || out.Report.Added != 2 {
		t.Fatalf("first: %+v", out)
	}
	want := e.summaries(t)
	seq := e.seq(t)
	huge := feedOf(vevent("a@club", strings.Repeat("x", 3<<20), 5))
	truncated := good[:len(good)/2+40] // cut inside b, before END:VCALENDAR
	cases := []struct {
		name  string
		setup func()
		code  string
	}{
		{"500", func() { e.feed.set(500, "oops", "") }, model.FeedErrStatus},
		{"404", func() { e.feed.set(404, "gone", "") }, model.FeedErrNotFound},
		{"403", func() { e.feed.set(403, "private", "") }, model.FeedErrAuth},
		{"oversized", func() { e.feed.set(200, huge, "") }, model.FeedErrTooLarge},
		{"slow", func() {
			e.feed.set(200, "BEGIN:VCALENDAR\r\n", "")
			e.feed.mu.Lock()
			e.feed.stall = true
			e.feed.mu.Unlock()
		}, model.FeedErrTimeout},
		{"sign-in page", func() {
			e.feed.set(200, "<!DOCTYPE html><html><title>Google Agenda - connexion</title></html>", "")
			e.feed.mu.Lock()
			e.feed.ctype = "text/html; charset=utf-8"
			e.feed.mu.Unlock()
		}, model.FeedErrNotCalendar},
		{"not iCalendar", func() { e.feed.set(200, "just some text\r\n", "") }, model.FeedErrBadCalendar},
		{"half a feed", func() { e.feed.set(200, truncated, "") }, model.FeedErrBadCalendar},
	}
	for i, c := range cases {
		c.setup()
		out := e.refresh(t)
		if out.Err == nil || out.Code != c.code {
			t.Fatalf("%s: code %q (%v), want %q", c.name, out.Code, out.Err, c.code)
		}
		s := e.stored(t)
		wait := model.SubscriptionBackoff(i + 1)
		if s.LastErrorCode != c.code || s.LastError == "" || s.Failures != i+1 || !s.NextAt.Equal(e.now.Add(wait)) {
			t.Fatalf("%s: recorded %+v, want next try in %s", c.name, s, wait)
		}
		if got := e.summaries(t); got != want || e.seq(t) != seq {
			t.Fatalf("%s: the store changed: %s (seq %d -> %d)", c.name, got, seq, e.seq(t))
		}
	}
	if d := model.SubscriptionBackoff(100); d != model.MaxSubscriptionBackoff {
		t.Fatalf("backoff not capped: %s", d)
	}
	e.feed.set(200, feedOf(vevent("a@club", "Assemblée", 5)), "")
	if out := e.refresh(t); out.Err != nil || out.Report.Deleted != 1 {
		t.Fatalf("recovery: %+v", out)
	}
	if s := e.stored(t); s.Failures != 0 || s.LastErrorCode != "" || !s.NextAt.Equal(e.now.Add(time.Hour)) {
		t.Fatalf("after recovery %+v", s)
	}
}

// A refresh cut in the middle of applying (the process stopped) records
// nothing and deletes nothing; the next refresh finishes it with exact
// counts.
func TestSubscriptionRestartMidRefresh(t *testing.T) {
	e := newSubEnv(t)
	old := make([]string, 0, 10)
	for i := 0; i < 10; i++ {
		old = append(old, vevent(fmt.Sprintf("old-%d@club", i), "Ancien", 1+i%20))
	}
	e.feed.set(200, feedOf(old...), "")
	if out := e.refresh(t); out.Err != nil || out.Report.Added != 10 {
		t.Fatalf("first: %+v", out)
	}
	hash := e.stored(t).BodySHA256
	const n = 5000
	evs := make([]string, 0, n)
	for i := 0; i < n; i++ {
		evs = append(evs, vevent(fmt.Sprintf("new-%d@club", i), fmt.Sprintf("Nouveau %d", i), 1+i%28))
	}
	evs = append(evs, old[:5]...)
	e.feed.set(200, feedOf(evs...), "")

	ctx, cancel := context.WithCancel(context.Background())
	e.r.progress = func(done, total int) { cancel() } // stop after the first batch
	cut, err := e.r.refresh(ctx, e.stored(t))
	if err == nil {
		t.Fatalf("the cut refresh reported success: %+v %+v", cut, cut.Report)
	}
	e.r.progress = nil
	s := e.stored(t)
	if s.BodySHA256 != hash || s.Failures != 0 || s.LastErrorCode != "" {
		t.Fatalf("the cut refresh recorded %+v", s)
	}
	list, _ := e.store.ListEvents(context.Background(), e.cal.ID, false)
	if len(list) <= 10 || len(list) >= n+10 {
		t.Fatalf("%d events after the cut: want the old ten and part of the new", len(list))
	}
	partial := len(list) - 10

	out := e.refresh(t)
	rep := out.Report
	if out.Err != nil || rep.Added != n-partial || rep.Unchanged != partial+5 || rep.Deleted != 5 || len(rep.Refused) != 0 {
		t.Fatalf("after restart: %+v (partial %d)", rep, partial)
	}
	list, _ = e.store.ListEvents(context.Background(), e.cal.ID, false)
	if len(list) != n+5 {
		t.Fatalf("%d events, want %d", len(list), n+5)
	}
}

// serve's loop refreshes a due subscription and stops with its context.
func TestSubscriptionWorkerLoop(t *testing.T) {
	e := newSubEnv(t)
	e.now = time.Now().UTC().Add(time.Minute) // the subscription is due
	e.feed.set(200, feedOf(vevent("a@club", "Assemblée", 5)), "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- subscriptionWorker(e.r)(ctx) }()
	deadline := time.After(20 * time.Second)
	for e.stored(t).LastSuccess.IsZero() {
		select {
		case <-deadline:
			cancel()
			t.Fatal("the worker did not refresh the due subscription")
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("the worker returned %v", err)
	}
	if got := e.summaries(t); got != "a@club=Assemblée" {
		t.Fatalf("stored %s", got)
	}
}
