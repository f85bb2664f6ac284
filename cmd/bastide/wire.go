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

// handlers is what serve runs: the root handler and the workers.
type handlers struct {
	root    http.Handler
	workers []worker
}

// buildHandler wires the packages into one root ServeMux (STYLE.md §2.6):
// CalDAV under /dav/ and /.well-known/caldav, federation for discovery,
// the relay, the shared inbox and the ActivityPub side of /@{association}
// and /events/{uuid}, the web application for everything else. Each
// handler bounds its own request bodies.
func buildHandler(store *db.Store, log *slog.Logger, cfg *Config) (*handlers, error) {
	ver, _, _ := buildInfo()
	fed, err := federation.New(store, log.With("component", "federation"), federation.Config{
		BaseURL:               cfg.BaseURL,
		AllowPrivateAddresses: cfg.AllowPrivateAddresses,
		Version:               ver,
	})
	if err != nil {
		return nil, fmt.Errorf("federation: %w", err)
	}
	fedH := fed.Handler()
	// One throttle for both doors: a wrong password on the web sign-in
	// form counts for CalDAV too, and the other way round.
	throttle := model.NewLoginThrottle(0, 0, 0)
	davH := caldav.NewHandler(store, log.With("component", "caldav"), caldav.Options{Prefix: "/dav", Throttle: throttle})
	webOpts := web.Options{BaseURL: cfg.BaseURL, Throttle: throttle,
		SessionIdle: sessionIdle, SessionMaxLife: sessionMaxLife, CalDAVURL: cfg.BaseURL + "/dav/"}
	if cfg.SMTPAddr != "" {
		webOpts.Mailer = newSMTPMailer(cfg)
	}
	webH := web.New(store, log.With("component", "web"), webOpts)

	mux := http.NewServeMux()
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
	mux.Handle("/", activityPubSplit(fedH, webH))
	return &handlers{
		root:    mux,
		workers: []worker{{name: "federation", run: fed.Run}, {name: "sessions", run: sessionCleanup(store, log, time.Now)}},
	}, nil
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
	if !strings.HasPrefix(p, "/@") && !strings.HasPrefix(p, "/events/") {
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
