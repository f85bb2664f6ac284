package main

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bastide47/bastide/db"
)

// The operator's endpoints: /healthz (liveness, served by web), /readyz
// (the background work advances) and /metrics (Prometheus).

// Readiness thresholds: the publisher turns a change into deliveries
// within a second or two, and the inbox worker takes a due activity as
// soon as it is free; minutes of delay mean a stuck worker.
const (
	readyPublisherStall = 2 * time.Minute
	readyInboxStall     = 2 * time.Minute
	// A due subscription is taken at the worker's next tick (30 s) or at
	// once when woken; a round refreshes at most subscriptionsPerTick
	// feeds of at most feedTimeout each, so a feed due for longer than
	// that many rounds means a stuck worker.
	readySubscriptionStall = 2 * subscriptionsPerTick * feedTimeout
	opsQueryTimeout        = 5 * time.Second
)

func isOpsPath(p string) bool { return p == "/healthz" || p == "/readyz" || p == "/metrics" }

// httpMetrics counts requests by route (a small fixed set of names, never
// the raw path), method and status.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bastide_http_requests_total",
			Help: "HTTP requests answered, by route, method and status code. CalDAV operations are the route caldav, by method.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bastide_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *httpMetrics) observe(r *http.Request, status int, d time.Duration) {
	if m == nil {
		return
	}
	route, method := routeOf(r.URL.Path), methodLabel(r.Method)
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// routeOf names the part of Bastide a path belongs to.
func routeOf(p string) string {
	switch {
	case p == "/":
		return "agenda"
	case p == "/dav" || strings.HasPrefix(p, "/dav/") || strings.HasPrefix(p, "/.well-known/caldav"):
		return "caldav"
	case p == "/inbox" || strings.HasSuffix(p, "/inbox"):
		return "inbox"
	case strings.HasPrefix(p, "/@"):
		return "association"
	case strings.HasPrefix(p, "/events/"):
		return "event"
	case strings.HasPrefix(p, "/feeds/"):
		return "feed"
	case strings.HasPrefix(p, "/api/"):
		return "api"
	case strings.HasPrefix(p, "/embed"):
		return "widget"
	case p == "/admin" || strings.HasPrefix(p, "/admin/"):
		return "admin"
	case p == "/relay" || strings.HasPrefix(p, "/relay/"):
		return "relay"
	case strings.HasPrefix(p, "/.well-known/") || strings.HasPrefix(p, "/nodeinfo"):
		return "discovery"
	case strings.HasPrefix(p, "/static/"):
		return "static"
	case isOpsPath(p):
		return "ops"
	}
	return "other"
}

var knownMethods = map[string]bool{
	"GET": true, "HEAD": true, "POST": true, "PUT": true, "DELETE": true, "OPTIONS": true,
	"PROPFIND": true, "PROPPATCH": true, "REPORT": true, "MKCALENDAR": true, "MKCOL": true,
	"MOVE": true, "COPY": true, "LOCK": true, "UNLOCK": true,
}

func methodLabel(m string) string {
	if knownMethods[m] {
		return m
	}
	return "OTHER"
}

// ops serves /readyz and /metrics over the store.
type ops struct {
	store *db.Store
	log   *slog.Logger
	token string
	reg   *prometheus.Registry
	http  *httpMetrics
	now   func() time.Time
}

func newOps(store *db.Store, log *slog.Logger, token string) *ops {
	o := &ops{store: store, log: log, token: token, reg: prometheus.NewRegistry(), now: time.Now}
	o.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&healthCollector{o: o},
	)
	o.http = newHTTPMetrics(o.reg)
	return o
}

// metrics serves the Prometheus text format to a client on loopback that
// came straight (not through a reverse proxy: behind one, every visitor
// has a loopback address), or to one that shows the token.
func (o *ops) metrics() http.Handler {
	h := promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(o.log.Handler(), slog.LevelWarn)})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !o.mayReadMetrics(r) {
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "metrics are served on loopback, or with the token of --metrics-token as Authorization: Bearer TOKEN", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (o *ops) mayReadMetrics(r *http.Request) bool {
	if o.token != "" {
		if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
			subtle.ConstantTimeCompare([]byte(got), []byte(o.token)) == 1 {
			return true
		}
	}
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ready answers 200 while the background work advances, 503 with the
// reason otherwise: the database does not answer, the publisher has left
// a change waiting, or the inbox worker has left a due activity waiting.
func (o *ops) ready() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		problems, err := o.readiness(r.Context())
		if err != nil {
			o.log.ErrorContext(r.Context(), "readyz: database", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: the database does not answer")
			return
		}
		if len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			for _, p := range problems {
				fmt.Fprintln(w, "not ready: "+p)
			}
			return
		}
		fmt.Fprintln(w, "ready")
	})
}

func (o *ops) readiness(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, opsQueryTimeout)
	defer cancel()
	now := o.now()
	h, err := o.store.Health(ctx, now)
	if err != nil {
		return nil, err
	}
	var problems []string
	// Until the backfill has read again the events an older Bastide
	// stored, their pages may miss a price or show a moved date wrong.
	switch b, err := o.store.Backfilling(ctx); {
	case err != nil:
		return nil, err
	case b:
		problems = append(problems, "events stored by an older version are being read again (this start only)")
	}
	if !h.OldestUnpublished.IsZero() && now.Sub(h.OldestUnpublished) > readyPublisherStall {
		problems = append(problems, fmt.Sprintf("the federation publisher is stuck: change %d has waited since %s (%d changes behind)",
			h.PublisherSeq+1, h.OldestUnpublished.UTC().Format(time.RFC3339), h.LastSeq-h.PublisherSeq))
	}
	if !h.OldestDueInbox.IsZero() && now.Sub(h.OldestDueInbox) > readyInboxStall {
		problems = append(problems, fmt.Sprintf("the inbox worker is behind: %d activities queued, the oldest due one received at %s",
			h.InboxQueue, h.OldestDueInbox.UTC().Format(time.RFC3339)))
	}
	if !h.OldestDueSubscription.IsZero() && now.Sub(h.OldestDueSubscription) > readySubscriptionStall {
		problems = append(problems, fmt.Sprintf("the subscription worker is stuck: a feed has been due since %s",
			h.OldestDueSubscription.UTC().Format(time.RFC3339)))
	}
	return problems, nil
}

// healthCollector exports the store's view of the background work at
// each scrape.
type healthCollector struct{ o *ops }

var (
	descPublisherLag = prometheus.NewDesc("bastide_publisher_lag_changes",
		"Changes of the change log not yet turned into deliveries by the federation publisher.", nil, nil)
	descPublisherAge = prometheus.NewDesc("bastide_publisher_lag_seconds",
		"Age of the oldest change the publisher has not handled yet (0 when up to date).", nil, nil)
	descDeliveries = prometheus.NewDesc("bastide_deliveries",
		"Outgoing ActivityPub deliveries by receiving host and state (pending or dead).", []string{"host", "state"}, nil)
	descDeliveryAge = prometheus.NewDesc("bastide_deliveries_oldest_pending_seconds",
		"Age of the oldest pending delivery to a host.", []string{"host"}, nil)
	descInbox = prometheus.NewDesc("bastide_inbox_queue",
		"Received ActivityPub activities waiting to be processed.", nil, nil)
	descInboxAge = prometheus.NewDesc("bastide_inbox_oldest_due_seconds",
		"How long the oldest due activity of the inbox queue has waited (0 when none is due).", nil, nil)
	descPullSuccess = prometheus.NewDesc("bastide_follow_last_success_timestamp_seconds",
		"When a followed source (Mobilizon group or relay) was last read without error (0: never).", []string{"source"}, nil)
	descPullFailing = prometheus.NewDesc("bastide_follow_failing",
		"1 when the last attempt to read a followed source failed.", []string{"source"}, nil)
	descPublishFailures = prometheus.NewDesc("bastide_publish_failures",
		"Events the federation publisher could not publish and retries with backoff.", nil, nil)
	descSubs = prometheus.NewDesc("bastide_subscriptions",
		"ICS subscriptions by state of their last refresh (ok or failing).", []string{"state"}, nil)
	descSubsDue = prometheus.NewDesc("bastide_subscriptions_oldest_due_seconds",
		"How long the most overdue ICS subscription has waited for its refresh (0 when none is due).", nil, nil)
	descSubsStale = prometheus.NewDesc("bastide_subscriptions_stalest_success_seconds",
		"Age of the oldest last successful read over all ICS subscriptions (since creation for one never read).", nil, nil)
	descDBBytes = prometheus.NewDesc("bastide_database_bytes",
		"Size of the SQLite database file and its write-ahead log.", nil, nil)
)

func (c *healthCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPublisherLag, descPublisherAge, descDeliveries, descDeliveryAge,
		descInbox, descInboxAge, descPullSuccess, descPullFailing, descPublishFailures, descSubs, descSubsDue, descSubsStale, descDBBytes} {
		ch <- d
	}
}

func (c *healthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), opsQueryTimeout)
	defer cancel()
	now := c.o.now()
	h, err := c.o.store.Health(ctx, now)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descPublisherLag, err)
		return
	}
	age := func(t time.Time) float64 {
		if t.IsZero() {
			return 0
		}
		return max(now.Sub(t).Seconds(), 0)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descPublisherLag, float64(h.LastSeq-h.PublisherSeq))
	gauge(descPublisherAge, age(h.OldestUnpublished))
	for _, d := range h.Deliveries {
		gauge(descDeliveries, float64(d.Pending), d.Host, "pending")
		gauge(descDeliveries, float64(d.Dead), d.Host, "dead")
		gauge(descDeliveryAge, age(d.OldestPending), d.Host)
	}
	gauge(descInbox, float64(h.InboxQueue))
	gauge(descInboxAge, age(h.OldestDueInbox))
	for _, f := range h.Follows {
		var ok float64
		if !f.LastSuccess.IsZero() {
			ok = float64(f.LastSuccess.Unix())
		}
		gauge(descPullSuccess, ok, f.Object)
		failing := 0.0
		if f.LastError != "" {
			failing = 1
		}
		gauge(descPullFailing, failing, f.Object)
	}
	gauge(descPublishFailures, float64(h.PublishFailures))
	gauge(descSubs, float64(h.Subscriptions-h.SubscriptionsFailing), "ok")
	gauge(descSubs, float64(h.SubscriptionsFailing), "failing")
	gauge(descSubsDue, age(h.OldestDueSubscription))
	gauge(descSubsStale, age(h.StalestSubscription))
	gauge(descDBBytes, float64(h.DatabaseBytes))
}
