package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/bastide47/bastide/db"
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
// the relay, the inbox and the ActivityPub side of /@{association} and
// /events/{uuid}, the web application for everything else.
func buildHandler(store *db.Store, log *slog.Logger, cfg *Config) (*handlers, error) {
	webH := web.New(store, log.With("component", "web"), web.Options{BaseURL: cfg.BaseURL})

	mux := http.NewServeMux()
	mux.Handle("/", webH)
	return &handlers{root: mux}, nil
}
