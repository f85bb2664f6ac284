package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bastide47/bastide/db/model"
)

// A server that gives only Last-Modified (no ETag) gets If-Modified-Since
// back, and its 304 costs one request and no change.
func TestSubscriptionIfModifiedSince(t *testing.T) {
	e := newSubEnv(t)
	const lm = "Tue, 01 Dec 2026 09:00:00 GMT"
	var requests, conditional atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("If-Modified-Since") == lm {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/calendar")
		w.Header().Set("Last-Modified", lm)
		io.WriteString(w, feedOf(vevent("a@club", "Assemblée", 5)))
	}))
	defer srv.Close()
	if _, err := e.store.Writer().ExecContext(context.Background(), "UPDATE subscriptions SET url = ? WHERE id = ?", srv.URL+"/cal.ics", e.sub.ID); err != nil {
		t.Fatal(err)
	}
	if out := e.refresh(t); out.Err != nil || out.Report == nil || out.Report.Added != 1 {
		t.Fatalf("first: %+v", out)
	}
	if s := e.stored(t); s.LastModified != lm || s.ETag != "" {
		t.Fatalf("validators recorded: %q %q", s.LastModified, s.ETag)
	}
	seq := e.seq(t)
	if out := e.refresh(t); !out.NotModified || out.Report != nil {
		t.Fatalf("second: %+v", out)
	}
	if requests.Load() != 2 || conditional.Load() != 1 || e.seq(t) != seq {
		t.Fatalf("%d requests, %d conditional, seq %d -> %d", requests.Load(), conditional.Load(), seq, e.seq(t))
	}
}

// What the change log records is what the fediverse gets: a put for the
// changed event, a delete for the one that left the feed, nothing for the
// unchanged one.
func TestSubscriptionLogsDeleteForWhatLeftTheFeed(t *testing.T) {
	e := newSubEnv(t)
	e.feed.set(200, feedOf(vevent("a@club", "Assemblée", 5), vevent("b@club", "Bal", 6), vevent("c@club", "Concert", 7)), "")
	if out := e.refresh(t); out.Err != nil {
		t.Fatal(out.Err)
	}
	seq := e.seq(t)
	e.feed.set(200, feedOf(vevent("a@club", "Assemblée", 5), vevent("b@club", "Bal masqué", 6)), "")
	if out := e.refresh(t); out.Err != nil || out.Report.Unchanged != 1 || out.Report.Updated != 1 || out.Report.Deleted != 1 {
		t.Fatalf("refresh: %+v", out.Report)
	}
	rows, err := e.store.Reader().QueryContext(context.Background(), "SELECT uid, kind FROM changes WHERE calendar_id = ? AND seq > ? ORDER BY seq", e.cal.ID, seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var uid, kind string
		if err := rows.Scan(&uid, &kind); err != nil {
			t.Fatal(err)
		}
		got = append(got, uid+" "+kind)
	}
	if strings.Join(got, ", ") != "b@club put, c@club delete" {
		t.Fatalf("change log: %v, want b@club put, c@club delete", got)
	}
}

// Without --allow-private-addresses, a feed on a loopback address is
// refused with the address code, and nothing stored changes.
func TestSubscriptionPrivateAddressRefused(t *testing.T) {
	e := newSubEnv(t)
	e.feed.set(200, feedOf(vevent("a@club", "Assemblée", 5)), "")
	if out := e.refresh(t); out.Err != nil {
		t.Fatal(out.Err)
	}
	want, seq := e.summaries(t), e.seq(t)
	e.feed.set(200, feedOf(vevent("z@club", "Intrus", 5)), "")
	e.r = &refresher{store: e.store, client: newFeedClient(false), log: slog.New(slog.DiscardHandler), now: e.r.now}
	out := e.refresh(t)
	if out.Code != model.FeedErrAddress {
		t.Fatalf("code %q (%v), want %q", out.Code, out.Err, model.FeedErrAddress)
	}
	if e.summaries(t) != want || e.seq(t) != seq {
		t.Fatal("a refused fetch changed the store")
	}
}
