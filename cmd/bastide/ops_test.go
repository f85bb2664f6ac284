package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// opsServer serves buildHandler's mux over a real database, on loopback,
// without its background workers: nothing advances unless the test says so.
func opsServer(t *testing.T, token string) (*httptest.Server, *db.Store, *handlers) {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "bastide.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var h *handlers
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	h, err = buildHandler(store, log, &Config{BaseURL: srv.URL, AllowPrivateAddresses: true, MetricsToken: token})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h.root
	return srv, store, h
}

func scrape(t *testing.T, url string, header http.Header) (int, map[string]*dto.MetricFamily, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url+"/metrics", nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil, string(body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("the client library's parser refuses /metrics: %v\n%s", err, body)
	}
	return resp.StatusCode, fams, string(body)
}

// gaugeWith returns the value of the sample of family name whose labels
// include want, and whether there is one.
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	ctx := context.Background()
	srv, store, _ := opsServer(t, "a-long-metrics-token-0123")
	_, cal := dbtest.Association(t, store, "amis")
	if _, err := store.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "m1", time.Now().Add(24*time.Hour), "Loto")}); err != nil {
		t.Fatal(err)
	}
	if err := store.QueueActivity(ctx, "https://x.test/a/1", 0, []byte(`{}`), []string{"https://mobilizon.example/inbox"}); err != nil {
		t.Fatal(err)
	}
	// Some traffic to count.
	for _, p := range []string{"/", "/healthz", "/nope"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}

	// A request is counted when its handler returns, which may be just
	// after the client has read the answer: scrape until the last one
	// shows (a few milliseconds at most).
	var code int
	var fams map[string]*dto.MetricFamily
	var body string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		code, fams, body = scrape(t, srv.URL, nil)
		if code != http.StatusOK {
			t.Fatalf("/metrics from loopback: %d %s", code, body)
		}
		_, agenda := sample(fams, "bastide_http_requests_total", map[string]string{"route": "agenda", "code": "200"})
		_, other := sample(fams, "bastide_http_requests_total", map[string]string{"route": "other", "code": "404"})
		if (agenda && other) || time.Now().After(deadline) {
			break
		}
	}
	checks := []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"bastide_http_requests_total", map[string]string{"route": "agenda", "method": "GET", "code": "200"}, 1},
		{"bastide_http_requests_total", map[string]string{"route": "other", "method": "GET", "code": "404"}, 1},
		{"bastide_http_request_duration_seconds", map[string]string{"route": "agenda"}, 1},
		{"bastide_publisher_lag_changes", nil, 1}, // the event, no publisher running
		{"bastide_deliveries", map[string]string{"host": "mobilizon.example", "state": "pending"}, 1},
		{"bastide_inbox_queue", nil, 0},
		{"bastide_publish_failures", nil, 0},
		{"bastide_database_bytes", nil, 4096},
		{"go_goroutines", nil, 1},
		{"process_resident_memory_bytes", nil, 1},
	}
	for _, c := range checks {
		v, ok := sample(fams, c.name, c.labels)
		if !ok || v < c.min {
			t.Errorf("%s%v = %v (present %v), want at least %v", c.name, c.labels, v, ok, c.min)
		}
	}
	if strings.Contains(body, `route="/nope"`) {
		t.Error("raw paths leak into the route label")
	}

	// Through a proxy every visitor is on loopback: refused without the token.
	if code, _, body := scrape(t, srv.URL, http.Header{"X-Forwarded-For": {"203.0.113.9"}}); code != http.StatusForbidden || !strings.Contains(body, "--metrics-token") {
		t.Fatalf("proxied /metrics without token: %d %s", code, body)
	}
	if code, _, _ := scrape(t, srv.URL, http.Header{"X-Forwarded-For": {"203.0.113.9"}, "Authorization": {"Bearer wrong-token-wrong-token"}}); code != http.StatusForbidden {
		t.Fatalf("wrong token: %d", code)
	}
	if code, _, body := scrape(t, srv.URL, http.Header{"X-Forwarded-For": {"203.0.113.9"}, "Authorization": {"Bearer a-long-metrics-token-0123"}}); code != http.StatusOK {
		t.Fatalf("right token: %d %s", code, body)
	}
}

func TestReadyz(t *testing.T) {
	ctx := context.Background()
	srv, store, _ := opsServer(t, "")
	get := func() (int, string) {
		resp, err := http.Get(srv.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(); code != http.StatusOK {
		t.Fatalf("empty instance: %d %s", code, body)
	}
	// A backfill of an older version's events pending: not ready yet.
	if err := store.SetMeta(ctx, db.MetaShownFieldsRefresh, "0"); err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "older version") {
		t.Fatalf("backfill pending: %d %s", code, body)
	}
	if err := store.DeleteMeta(ctx, db.MetaShownFieldsRefresh); err != nil {
		t.Fatal(err)
	}
	_, cal := dbtest.Association(t, store, "amis")
	if _, err := store.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "r1", time.Now().Add(time.Hour), "Loto")}); err != nil {
		t.Fatal(err)
	}
	// Just written: the publisher has time.
	if code, body := get(); code != http.StatusOK {
		t.Fatalf("fresh change: %d %s", code, body)
	}
	// Three minutes later, still not published (no worker runs here).
	if _, err := store.Writer().ExecContext(ctx, `UPDATE changes SET at = ?`, time.Now().Add(-3*time.Minute).UTC().Format("2006-01-02T15:04:05Z")); err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "publisher is stuck") {
		t.Fatalf("stalled publisher: %d %s", code, body)
	}
	last, _ := store.LastSeq(ctx)
	if err := store.SetMeta(ctx, db.MetaPublisherSeq, strconv.FormatInt(last, 10)); err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != http.StatusOK {
		t.Fatalf("publisher caught up: %d %s", code, body)
	}
	// An inbox activity due for three minutes: the inbox worker is behind.
	if err := store.AcceptInbox(ctx, "https://m.test/act/1", "https://m.test/@a", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Writer().ExecContext(ctx, `UPDATE inbox_queue SET received_at = ?`, time.Now().Add(-3*time.Minute).UTC().Format("2006-01-02T15:04:05Z")); err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "inbox worker is behind") {
		t.Fatalf("stalled inbox: %d %s", code, body)
	}
}
