package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/bastide47/bastide/caldav"
	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/model"
	"github.com/bastide47/bastide/federation"
	"github.com/bastide47/bastide/web"
)

// worker is a background loop that runs until its context is cancelled.
type worker struct {
	name string
	run  func(ctx context.Context) error
}

// handlers is what serve runs: the root handler (the client address, the
// access log, then the routes) and the workers.
type handlers struct {
	root    http.Handler
	workers []worker
	// web is the public site alone, without the access log, for warming.
	web http.Handler
}

// buildHandler wires the packages into one root ServeMux (STYLE.md §2.6):
// CalDAV under /dav/ and /.well-known/caldav, federation for discovery,
// the relay, the shared inbox and the ActivityPub side of /@{association}
// and /events/{uuid}, the web application for everything else. Each
// handler bounds its own request bodies.
func buildHandler(store *db.Store, log *slog.Logger, cfg *Config) (*handlers, error) {
	fc := federationConfig(cfg.BaseURL, cfg.AllowPrivateAddresses)
	fc.ShutdownGrace = cfg.ShutdownTimeout
	fed, err := federation.New(store, log.With("component", "federation"), fc)
	if err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	fedH := fed.Handler()
	// One throttle for both doors: a wrong password on the web sign-in
	// form counts for CalDAV too, and the other way round.
	throttle := model.NewLoginThrottle(0, 0, 0)
	caches := cacheBudget(cfg.MemoryLimitMiB)
	davH := caldav.NewHandler(store, log.With("component", "caldav"), caldav.Options{Prefix: "/dav", Throttle: throttle,
		ObjectCache: caches.davObjects, ListingCache: caches.davListings})
	feeds := newRefresher(store, newFeedClient(cfg.AllowPrivateAddresses), log.With("component", "subscriptions"))
	webOpts := web.Options{BaseURL: cfg.BaseURL, SourceURL: cfg.SourceURL, Throttle: throttle,
		SessionIdle: sessionIdle, SessionMaxLife: sessionMaxLife, CalDAVURL: cfg.BaseURL + "/dav/",
		CheckFeedURL: feedURLCheck(feeds.client), WakeSubscriptions: feeds.Wake,
		PageCacheBytes: caches.webPages}
	if cfg.SMTPAddr != "" {
		webOpts.Mailer = newSMTPMailer(cfg)
	}
	webH := web.New(store, log.With("component", "web"), webOpts)

	o := newOps(store, log.With("component", "ops"), cfg.MetricsToken)

	mux := http.NewServeMux()
	mux.Handle("/readyz", o.ready())
	mux.Handle("/metrics", o.metrics())
	mux.Handle("/dav/", davH)
	mux.Handle("/dav", davH)
	mux.Handle("/.well-known/caldav", davH)
	mux.Handle("/.well-known/caldav/", davH)
	for _, p := range []string{
		"/.well-known/webfinger", "/.well-known/nodeinfo", "/.well-known/nodeinfo/", "/.well-known/host-meta",
		"/nodeinfo/", "/relay", "/relay/", "/inbox",
	} {
		mux.Handle(p, fedH)
	}
	mux.Handle("/", davAtRoot(davH, activityPubSplit(fedH, webH)))
	trusted, err := parseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("--trusted-proxies: %w", err)
	}
	workers := []worker{
		{name: "federation", run: fed.Run},
		{name: "sessions", run: sessionCleanup(store, log, time.Now)},
		{name: "changes", run: pruneChanges(store, log.With("component", "changes"), cfg.syncHorizon())},
		{name: "subscriptions", run: subscriptionWorker(feeds)},
	}
	return &handlers{
		root:    clientAddress(trusted, observe(log.With("component", "http"), o.http, mux)),
		workers: workers,
		web:     webH,
	}, nil
}

// davAtRoot sends the CalDAV discovery methods on exactly "/" (PROPFIND,
// REPORT, OPTIONS) to CalDAV, so that an app given only the server's
// address finds the user's principal; everything else, GET first, goes on
// to next.
func davAtRoot(dav, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && caldav.RootDAVMethod(r) {
			dav.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// federationConfig is the federation side's configuration, the same for
// serve and for the CLI's federation commands, so that both announce the
// same version (NodeInfo, User-Agent).
func federationConfig(baseURL string, allowPrivate bool) federation.Config {
	ver, _, _ := buildInfo()
	return federation.Config{BaseURL: baseURL, AllowPrivateAddresses: allowPrivate, Version: ver}
}

// activityPubSplit sends the ActivityPub side of /@{association} and
// /events/{uuid} (a request that asks for ActivityStreams, or an actor's
// inbox, outbox and collections) to federation, and the rest to web.
func activityPubSplit(fed, web http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isActivityPubPath(r) {
			fed.ServeHTTP(w, r)
			return
		}
		web.ServeHTTP(w, r)
	})
}

func isActivityPubPath(r *http.Request) bool {
	p := r.URL.Path
	if !strings.HasPrefix(p, model.AssociationPathPrefix) && !strings.HasPrefix(p, model.EventPathPrefix) {
		return false
	}
	if federation.WantsActivityPub(r) {
		return true
	}
	for _, suffix := range []string{"/inbox", "/outbox", "/followers", "/following"} {
		if strings.HasSuffix(p, suffix) {
			return true
		}
	}
	return false
}
