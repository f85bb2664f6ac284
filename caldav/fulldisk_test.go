package caldav

import (
	"context"
	"strings"
	"testing"
)

// TestFullDisk: a write that finds the storage full gets 507 (not 500),
// changes nothing, reads go on, and writes work again once there is room,
// without a restart. The disk is made full the way SQLite sees it: the
// database may not grow past its current pages (PRAGMA max_page_count on
// the store's one writing connection), which gives SQLITE_FULL as a full
// disk does.
func TestFullDisk(t *testing.T) {
	e := newEnv(t)
	e.put("alice", amisMain+"small.ics", event("small", "20261205T140000Z", "20261205T150000Z", "Small")).must(t, 201, "small")
	ctx := context.Background()
	w := e.store.Writer()
	var pages int
	if err := w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ExecContext(ctx, "PRAGMA max_page_count = "+itoa(pages)); err != nil {
		t.Fatal(err)
	}
	big := bigDaily("big", 90000)
	e.put("alice", amisMain+"big.ics", big).must(t, 507, "full").has(t, "full", "storage is full")
	if !strings.Contains(e.logs.String(), "storage full") {
		t.Errorf("a full disk is not logged:\n%s", e.logs.String())
	}
	// Reads are served, and nothing of the refused writes is there.
	e.do("alice", "GET", amisMain+"small.ics", "").must(t, 200, "read while full").has(t, "read while full", "UID:small")
	e.do("alice", "GET", amisMain+"big.ics", "").must(t, 404, "refused write")
	e.do("victor", "PROPFIND", "/dav/calendars/victor/amis.main/", "", "Depth", "1").must(t, 207, "listing while full").lacks(t, "listing", "big.ics")
	// Room again: the same write works.
	if _, err := w.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	e.put("alice", amisMain+"big.ics", big).must(t, 201, "after room is made")
}
