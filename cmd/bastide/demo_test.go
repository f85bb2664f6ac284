package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// A crash in the middle of seeding leaves a half-filled instance; the next
// `serve --demo` finishes the job instead of ignoring it.
func TestDemoSeedingResumesAfterACrash(t *testing.T) {
	ctx := context.Background()
	store := dbtest.New(t)
	now := time.Now()
	// What a crash after the first association would leave.
	if err := store.SetMeta(ctx, demoSeedingKey, now.UTC().Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateAssociation(ctx, &model.Association{Slug: demoAssocs[0].slug, Name: demoAssocs[0].name}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if err := seedDemo(ctx, store, log, now); err != nil {
		t.Fatal(err)
	}
	as, _ := store.ListAssociations(ctx)
	if len(as) != len(demoAssocs) {
		t.Fatalf("%d associations, want %d", len(as), len(demoAssocs))
	}
	var events int
	store.Reader().QueryRow("SELECT count(*) FROM events").Scan(&events)
	if events != 200 {
		t.Fatalf("%d events, want 200", events)
	}
	if _, err := store.GetMeta(ctx, demoSeededKey); err != nil {
		t.Fatalf("not marked as seeded: %v", err)
	}
	// Deterministic: a second seeding of the same day changes nothing.
	seq, _ := store.LastSeq(ctx)
	if err := seedDemo(ctx, store, log, now); err != nil {
		t.Fatal(err)
	}
	if s2, _ := store.LastSeq(ctx); s2 != seq {
		t.Fatalf("seeding again moved the change log from %d to %d", seq, s2)
	}
}
