package caldav

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/bastide47/bastide/db"
)

// TestRestoredBackupRefusesLaterTokens: a sync token handed out after a
// backup was taken names changes the backup lacks; once the backup is
// restored, that token must be refused (clients resync) rather than
// silently skip the changes made since under reused sequence numbers. A
// token handed out before the backup names a state the backup holds: it
// still works, and lists the changes made on the restored copy.
func TestRestoredBackupRefusesLaterTokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sync := func(tok string) resp {
		return e.do("alice", "REPORT", amisMain, testdata(t, "sync.xml", "TOKEN", tok, "LIMIT", ""), "Depth", "1")
	}
	e.put("alice", amisMain+"a.ics", event("a", "20261205T140000Z", "20261205T150000Z", "A")).must(t, 201, "a")
	before := syncToken_(t, sync("").must(t, 207, "before").body)
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	if err := e.store.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	e.put("alice", amisMain+"b.ics", event("b", "20261205T140000Z", "20261205T150000Z", "B")).must(t, 201, "b")
	after := syncToken_(t, sync(before).must(t, 207, "after").has(t, "after", "b.ics").body)

	// The backup is restored: same calendars, sequences reused by new
	// writes.
	restored, err := db.Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if restored.Epoch() == e.store.Epoch() || restored.Epoch() == "" {
		t.Fatalf("epochs: restored %q, live %q", restored.Epoch(), e.store.Epoch())
	}
	e.store, e.h = restored, NewHandler(restored, slog.New(slog.DiscardHandler), e.opts)
	e.put("alice", amisMain+"c.ics", event("c", "20261205T140000Z", "20261205T150000Z", "C")).must(t, 201, "c")
	sync(after).must(t, 403, "token of the lost future").has(t, "old token", "<D:valid-sync-token/>")
	since := sync(before).must(t, 207, "token from before the backup").has(t, "changes since the backup", "c.ics").lacks(t, "lost change", "b.ics")
	sync(syncToken_(t, since.body)).must(t, 207, "token after the pre-backup one").lacks(t, "nothing new", "a.ics", "c.ics")
	// A fresh sync sees the restored state, and its token works.
	r := sync("").must(t, 207, "resync").has(t, "resync", "a.ics", "c.ics").lacks(t, "resync", "b.ics")
	sync(syncToken_(t, r.body)).must(t, 207, "token of the restored copy")
	// The epoch is kept across restarts of the same file.
	again, err := db.Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Epoch() != restored.Epoch() {
		t.Errorf("epoch changed on reopening: %q then %q", restored.Epoch(), again.Epoch())
	}
}
