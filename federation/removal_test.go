package federation

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
)

// TestArchiveWithdrawsEvents: archiving an association Deletes its
// published events (signed by its Group, to its followers) and keeps its
// followers; un-archiving publishes them again under their next id.
func TestArchiveWithdrawsEvents(t *testing.T) {
	ctx := context.Background()
	f, s, a, cal := goldenFixture(t)
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	acts, _, last := publishAndRead(t, f, s, 0)
	if c := countTypes(acts); c["Create"] != 1 {
		t.Fatalf("first publication: %v", c)
	}
	if err := s.ArchiveAssociation(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	acts, inboxes, last := publishAndRead(t, f, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Delete" || acts[0]["actor"] != f.URIs().ActorID(a.Slug) ||
		acts[0]["object"].(map[string]any)["id"] != f.URIs().EventID(ev.UUID) {
		t.Fatalf("after archiving: %v", acts)
	}
	if len(inboxes[0]) != 1 || inboxes[0][0] != "https://mobilizon.example/inbox" {
		t.Fatalf("Delete inboxes %v", inboxes[0])
	}
	checkMobilizon(t, acts)
	// An archive is no removal: the Group stays, and so do its followers.
	if err := f.finishRemovals(ctx); err != nil {
		t.Fatal(err)
	}
	if more, _, _ := queued(t, s, last); len(more) != 0 {
		t.Fatalf("archiving sent more: %v", countTypes(more))
	}
	if fs, err := s.ListFollowers(ctx, a.ID, db.FollowAccepted); err != nil || len(fs) != 1 {
		t.Fatalf("followers after archiving: %d %v", len(fs), err)
	}
	if err := s.ArchiveAssociation(ctx, a.ID, false); err != nil {
		t.Fatal(err)
	}
	acts, _, _ = publishAndRead(t, f, s, last)
	if c := countTypes(acts); c["Create"] != 1 || acts[0]["object"].(map[string]any)["id"] != f.URIs().EventID(RepublishUUID(ev.UUID)) {
		t.Fatalf("after un-archiving: %v", acts)
	}
}

// TestRemovalSteps: a removal's Deletes of events are queued by the
// publisher, the Group's own Delete only once they are delivered, and the
// purge only once that one is; each step happens once however often the
// publisher looks.
func TestRemovalSteps(t *testing.T) {
	ctx := context.Background()
	f, s, a, cal := goldenFixture(t)
	ev := goldenEvent(t, s, cal.ID, "Fête du pruneau")
	if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
		t.Fatal(err)
	}
	_, _, last := publishAndRead(t, f, s, 0)
	deliverAll := func() {
		t.Helper()
		if _, err := s.Writer().ExecContext(ctx, `UPDATE deliveries SET state = 'done' WHERE state = 'pending'`); err != nil {
			t.Fatal(err)
		}
	}
	deliverAll()
	if purged, err := s.RemoveAssociation(ctx, a.ID); err != nil || purged {
		t.Fatalf("remove: %v %v", purged, err)
	}
	// Before the publisher read the log: nothing to do yet.
	if err := f.finishRemovals(ctx); err != nil {
		t.Fatal(err)
	}
	if more, _, _ := queued(t, s, last); len(more) != 0 {
		t.Fatalf("before the log was read: %v", countTypes(more))
	}
	acts, _, last := publishAndRead(t, f, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Delete" {
		t.Fatalf("the event's Delete: %v", countTypes(acts))
	}
	// The event's Delete is not delivered yet: the Group waits.
	for range 2 {
		if err := f.finishRemovals(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if more, _, _ := queued(t, s, last); len(more) != 0 {
		t.Fatalf("the Group's Delete left before its event's was delivered: %v", countTypes(more))
	}
	deliverAll()
	for range 2 {
		if err := f.finishRemovals(ctx); err != nil {
			t.Fatal(err)
		}
	}
	acts, inboxes, _ := queued(t, s, last)
	if len(acts) != 1 || acts[0]["type"] != "Delete" || acts[0]["object"] != f.URIs().ActorID(a.Slug) ||
		acts[0]["actor"] != f.URIs().ActorID(a.Slug) || len(inboxes[0]) != 1 {
		t.Fatalf("the Group's Delete: %v %v", acts, inboxes)
	}
	if _, err := s.GetAssociation(ctx, a.ID); err != nil {
		t.Fatalf("purged before the Group's Delete was delivered: %v", err)
	}
	deliverAll()
	if err := f.finishRemovals(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetAssociation(ctx, a.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("after every delivery: %v", err)
	}
}

// TestBlockStopsQueuedActivities: an activity received from a domain
// before the admin blocked it is not acted on after the block (the
// worker checks the block when it processes, not only when it receives).
func TestBlockStopsQueuedActivities(t *testing.T) {
	ctx := context.Background()
	f, s, _, _ := goldenFixture(t)
	const bot = "https://spam.example/@bot"
	body := []byte(`{"type":"Update","id":"https://spam.example/update/1","actor":"` + bot + `",
		"object":{"type":"Person","id":"` + bot + `","inbox":"` + bot + `/inbox","name":"Spam"}}`)
	if err := s.AcceptInbox(ctx, "https://spam.example/update/1 x", bot, body); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BlockDomain(ctx, "spam.example", "spam"); err != nil {
		t.Fatal(err)
	}
	items, err := s.DueInbox(ctx, time.Now().Add(time.Minute), 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("queued: %d %v", len(items), err)
	}
	f.processItem(ctx, items[0])
	if _, err := s.GetRemoteActor(ctx, bot); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("an activity of a blocked domain was acted on: %v", err)
	}
	if n, err := s.InboxQueueLen(ctx); err != nil || n != 0 {
		t.Fatalf("the blocked activity stays queued: %d %v", n, err)
	}
}
