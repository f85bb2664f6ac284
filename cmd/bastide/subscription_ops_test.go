package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// The subscription worker is watched like the others: a feed left due
// far beyond the worker's rounds makes /readyz fail, and /metrics counts
// the failing feeds and the age of the stalest success.
func TestReadyzAndMetricsWatchSubscriptions(t *testing.T) {
	ctx := context.Background()
	srv, store, _ := opsServer(t, "")
	ready := func() (int, string) {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	a, _ := dbtest.Association(t, store, "amis")
	ok := &model.Subscription{URL: "https://cal.example.org/ok.ics"}
	bad := &model.Subscription{URL: "https://cal.example.org/bad.ics"}
	for slug, sub := range map[string]*model.Subscription{"ok": ok, "bad": bad} {
		if _, _, err := store.SubscribeCalendar(ctx, a.ID, slug, "", true, sub); err != nil {
			t.Fatal(err)
		}
	}
	// Both just added, due now: the worker has time.
	if code, body := ready(); code != http.StatusOK {
		t.Fatalf("fresh subscriptions: %d %s", code, body)
	}
	now := time.Now()
	if err := store.SubscriptionSuccess(ctx, ok.ID, `"v1"`, "", "abc", now.Add(-3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := store.SubscriptionFailure(ctx, bad.ID, model.FeedErrTimeout, "slow", now); err != nil {
		t.Fatal(err)
	}
	_, fams, text := scrape(t, srv.URL, nil)
	if v, found := sample(fams, "bastide_subscriptions", map[string]string{"state": "failing"}); !found || v != 1 {
		t.Errorf("failing subscriptions = %v (%v), want 1\n%s", v, found, text)
	}
	if v, found := sample(fams, "bastide_subscriptions", map[string]string{"state": "ok"}); !found || v != 1 {
		t.Errorf("ok subscriptions = %v (%v), want 1", v, found)
	}
	if v, _ := sample(fams, "bastide_subscriptions_stalest_success_seconds", nil); v < 3*3600-60 || v > 3*3600+60 {
		t.Errorf("stalest success age = %v s, want about 3 h", v)
	}
	// A feed due for an hour and not taken: the worker is stuck.
	if _, err := store.Writer().ExecContext(ctx, `UPDATE subscriptions SET next_at = ? WHERE id = ?`,
		now.Add(-time.Hour).UTC().Format("2006-01-02T15:04:05Z"), bad.ID); err != nil {
		t.Fatal(err)
	}
	if code, body := ready(); code != http.StatusServiceUnavailable || !strings.Contains(body, "subscription worker is stuck") {
		t.Fatalf("overdue feed: %d %s", code, body)
	}
	_, fams, _ = scrape(t, srv.URL, nil)
	if v, _ := sample(fams, "bastide_subscriptions_oldest_due_seconds", nil); v < 3600-60 {
		t.Errorf("oldest due = %v s, want about an hour", v)
	}
}
