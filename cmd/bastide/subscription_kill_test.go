package main

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// A real serve killed with SIGKILL in the middle of a big refresh, then
// started again: the refresh is done again in full, and the calendar
// ends with exactly the feed's events, none lost, none twice.
func TestServeKilledMidRefresh(t *testing.T) {
	const n = 20000
	data := t.TempDir()
	feed := newFeedServer(t)
	feed.set(200, string(genICS(n, time.Now())), "")
	cli(t, data, "", "association", "add", "club", "--name", "Le club").must(t, 0)
	cli(t, data, "", "subscription", "add", "club", feed.srv.URL+"/club.ics", "--calendar", "flux").must(t, 0)

	addr := freePort(t)
	first := startServeAt(t, data, addr, "--allow-private-addresses")
	store := openStore(t, data)
	ctx := context.Background()
	a, err := store.GetAssociationBySlug(ctx, "club")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := store.GetAssociationCalendar(ctx, a.ID, "flux")
	if err != nil {
		t.Fatal(err)
	}
	events := func() int {
		var k int
		if err := store.Reader().QueryRow("SELECT count(*) FROM events WHERE calendar_id = ?", cal.ID).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	deadline := time.Now().Add(2 * time.Minute)
	for events() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("serve wrote nothing in 2 minutes\n%s", first.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-first.done
	partial := events()
	subs, _ := store.ListSubscriptions(ctx, a.ID)
	if partial >= n || len(subs) != 1 || !subs[0].LastSuccess.IsZero() || subs[0].BodySHA256 != "" {
		t.Fatalf("killed after %d of %d events, subscription %+v: the kill came too late to test anything", partial, n, subs)
	}

	again := startServeAt(t, data, addr, "--allow-private-addresses")
	for {
		subs, _ = store.ListSubscriptions(ctx, a.ID)
		if !subs[0].LastSuccess.IsZero() || subs[0].LastErrorCode != "" {
			break
		}
		if time.Now().After(deadline.Add(3 * time.Minute)) {
			t.Fatalf("the refresh did not finish after the restart\n%s", again.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	again.stop(t)
	if subs[0].LastErrorCode != "" {
		t.Fatalf("refresh failed after the restart: %s %s", subs[0].LastErrorCode, subs[0].LastError)
	}
	if got := events(); got != n {
		t.Fatalf("%d events after the restart, want %d (killed at %d)", got, n, partial)
	}
	var dupUIDs int
	if err := store.Reader().QueryRow(`SELECT count(*) FROM (SELECT uid FROM events WHERE calendar_id = ? GROUP BY uid HAVING count(*) > 1)`, cal.ID).Scan(&dupUIDs); err != nil || dupUIDs != 0 {
		t.Fatalf("%d UIDs stored twice (%v)", dupUIDs, err)
	}
	// Each event was logged as added once, whatever the kill: the refresh
	// after the restart found the first batches unchanged.
	var puts int
	if err := store.Reader().QueryRow(`SELECT count(*) FROM changes WHERE calendar_id = ? AND kind = ?`, cal.ID, "put").Scan(&puts); err != nil || puts != n {
		t.Fatalf("%d put changes logged, want %d (%v)", puts, n, err)
	}
}
