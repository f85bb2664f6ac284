package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/bastide47/bastide/db"
)

// warmTimeout bounds the warming at start: past it, the first requests
// pay for what is still cold, as they would without it.
const warmTimeout = 10 * time.Second

// warmPaths are the pages asked for once at start: the agenda list reads
// what every agenda page's filter form shows (the categories and the
// associations).
var warmPaths = []string{"/"}

// warm readies, beside the first requests, what they would otherwise pay
// for (issue #15: up to 25 times the next ones at 100 000 events): the
// store's reading connections but one, and the public pages' shared
// lists, asked of the web handler directly so that no access log line or
// metric counts them. It returns the number of pages that answered 200.
func warm(ctx context.Context, store *db.Store, web http.Handler, baseURL string, log *slog.Logger) int {
	ctx, cancel := context.WithTimeout(ctx, warmTimeout)
	defer cancel()
	start := time.Now()
	if err := store.WarmReaders(ctx); err != nil {
		log.Warn("warming the database connections", "err", err)
	}
	readers := time.Since(start)
	ok := 0
	for _, p := range warmPaths {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+p, nil)
		if err != nil {
			log.Warn("warming", "path", p, "err", err)
			continue
		}
		req.RemoteAddr = "127.0.0.1:0"
		w := &discard{h: http.Header{}}
		web.ServeHTTP(w, req)
		if w.code == 0 || w.code == http.StatusOK {
			ok++
		} else {
			log.Warn("warming", "path", p, "status", w.code)
		}
	}
	log.Info("warmed", "pages", ok, "duration_ms", time.Since(start).Milliseconds(), "readers_ms", readers.Milliseconds())
	return ok
}

// discard is a response writer that keeps the status only.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header { return d.h }

func (d *discard) Write(p []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	return len(p), nil
}

func (d *discard) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}
