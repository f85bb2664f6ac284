package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// The warming at start opens every reading connection of the store and
// asks the agenda once, without an access log line (issue #15: the first
// request after a start cost up to 25 times the next ones).
func TestWarmOpensReadersAndAsksTheAgenda(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	_, cal := dbtest.Association(t, store, "foyer")
	if _, err := store.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, "loto", time.Now().Add(24*time.Hour), "Loto")}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	// A fresh store handle on the same file: no reading connection yet.
	fresh, err := db.Open(ctx, store.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	hs, err := buildHandler(fresh, log, &Config{BaseURL: "http://localhost:8080"})
	if err != nil {
		t.Fatal(err)
	}
	if n := fresh.Reader().Stats().OpenConnections; n != 0 {
		t.Fatalf("before: %d reading connections open", n)
	}
	if ok := warm(ctx, fresh, hs.web, "http://localhost:8080", log); ok != len(warmPaths) {
		t.Fatalf("%d of %d pages answered: %s", ok, len(warmPaths), buf.String())
	}
	st := fresh.Reader().Stats()
	// All but one, left for a request during the warming.
	if want := st.MaxOpenConnections - 1; st.OpenConnections != want || st.Idle != want {
		t.Fatalf("after: %d open, %d idle, want %d", st.OpenConnections, st.Idle, want)
	}
	if strings.Contains(buf.String(), `"component":"http"`) {
		t.Fatalf("the warming shows in the access log: %s", buf.String())
	}
	if !strings.Contains(buf.String(), `"msg":"warmed"`) {
		t.Fatalf("no line says the warming is done: %s", buf.String())
	}
}
