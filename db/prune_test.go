package db_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// putAt writes an event and dates its change log row at, as if it had
// been written then (the tests' clock for the log).
func putAt(t *testing.T, s *db.Store, calID int64, uid string, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	res, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(calID, uid, time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC), uid)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Writer().ExecContext(ctx, `UPDATE changes SET at = ? WHERE seq = ?`, at.UTC().Format(time.RFC3339), res.Seq); err != nil {
		t.Fatal(err)
	}
	return res.Seq
}

func seqs(t *testing.T, s *db.Store) []int64 {
	t.Helper()
	chs, err := s.ChangesAfter(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, c := range chs {
		out = append(out, c.Seq)
	}
	return out
}

func floor(t *testing.T, s *db.Store, calID int64) int64 {
	t.Helper()
	f, err := s.SyncFloor(context.Background(), calID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPruneChanges(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, busy := dbtest.Association(t, s, "busy")
	_, quiet := dbtest.Association(t, s, "quiet")
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	old := now.AddDate(0, -6, 0)
	horizon := now.AddDate(0, 0, -90)

	q1 := putAt(t, s, quiet.ID, "q1", old)                 // 1: quiet's last row
	b1 := putAt(t, s, busy.ID, "b1", old)                  // 2
	b2 := putAt(t, s, busy.ID, "b2", old.AddDate(0, 1, 0)) // 3
	b3 := putAt(t, s, busy.ID, "b3", now.AddDate(0, 0, -10))
	b4 := putAt(t, s, busy.ID, "b4", now.AddDate(0, 0, -1))

	// Without a publisher cursor, nothing goes: it has still to read all.
	if n, err := s.PruneChanges(ctx, horizon); err != nil || n != 0 {
		t.Fatalf("prune without a publisher cursor: %d %v", n, err)
	}
	// The publisher has read up to b1 only: b2 stays for it.
	if err := s.SetMeta(ctx, db.MetaPublisherSeq, strconv.FormatInt(b1, 10)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneChanges(ctx, horizon); err != nil || n != 1 {
		t.Fatalf("prune behind the publisher: %d %v", n, err)
	}
	if got := seqs(t, s); len(got) != 4 || got[0] != q1 || got[1] != b2 {
		t.Fatalf("after pruning behind the publisher: %v", got)
	}
	if f := floor(t, s, busy.ID); f != b1 {
		t.Fatalf("busy's floor %d, want %d", f, b1)
	}
	// The publisher has read everything: rows older than the horizon go,
	// but each calendar keeps its last row, and the recent rows stay.
	if err := s.SetMeta(ctx, db.MetaPublisherSeq, strconv.FormatInt(b4, 10)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneChanges(ctx, horizon); err != nil || n != 1 {
		t.Fatalf("prune: %d %v", n, err)
	}
	if got := seqs(t, s); len(got) != 3 || got[0] != q1 || got[1] != b3 || got[2] != b4 {
		t.Fatalf("after pruning: %v, want [%d %d %d]", got, q1, b3, b4)
	}
	// A token of busy at b2 may have missed nothing, but one at b1 did
	// (b2 is gone): the floor is b2. Quiet lost nothing: any token holds.
	if f := floor(t, s, busy.ID); f != b2 {
		t.Fatalf("busy's floor %d, want %d", f, b2)
	}
	if f := floor(t, s, quiet.ID); f != 0 {
		t.Fatalf("quiet's floor %d, want 0", f)
	}
	// Pruning again changes nothing; the log's newest seq never goes back.
	if n, err := s.PruneChanges(ctx, now); err != nil || n != 1 {
		t.Fatalf("prune everything: %d %v", n, err)
	}
	if got := seqs(t, s); len(got) != 2 || got[0] != q1 || got[1] != b4 {
		t.Fatalf("after pruning up to now: %v, want [%d %d]", got, q1, b4)
	}
	if last, _ := s.LastSeq(ctx); last != b4 {
		t.Fatalf("last seq %d, want %d", last, b4)
	}
	// Quiet changes again: its old row may go next time, and then a token
	// from before q1 can no longer be answered (one at q1 still can).
	q2 := putAt(t, s, quiet.ID, "q2", now)
	if q2 != b4+1 {
		t.Fatalf("next seq %d after pruning, want %d", q2, b4+1)
	}
	s.SetMeta(ctx, db.MetaPublisherSeq, strconv.FormatInt(q2, 10))
	if n, err := s.PruneChanges(ctx, now.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("prune quiet's old row: %d %v", n, err)
	}
	if f := floor(t, s, quiet.ID); f != q1 {
		t.Fatalf("quiet's floor %d, want %d", f, q1)
	}
	// A calendar made after all this lost nothing.
	_, fresh := dbtest.Association(t, s, "fresh")
	if f := floor(t, s, fresh.ID); f != 0 {
		t.Fatalf("a new calendar's floor %d, want 0", f)
	}
	if res, err := s.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("integrity: %s %v", res, err)
	}
}

// Finished deliveries go after a week, dead ones after the longer horizon
// the caller gives, and their activity with the last of them; pending ones
// and their activity stay whatever their age.
func TestPruneDeliveries(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	for _, id := range []string{"done", "dead", "pending"} {
		if err := s.QueueActivity(ctx, "https://agenda.example/activities/"+id, 0, []byte(`{}`), []string{"https://remote.example/inbox/" + id}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	due, err := s.DueDeliveries(ctx, now.Add(time.Minute), 10, nil, nil)
	if err != nil || len(due) != 3 {
		t.Fatalf("due: %d %v", len(due), err)
	}
	for _, d := range due {
		switch {
		case strings.HasSuffix(d.Inbox, "/done"):
			err = s.FinishDelivery(ctx, d.ID, "done", 1, now, 202, "")
		case strings.HasSuffix(d.Inbox, "/dead"):
			err = s.FinishDelivery(ctx, d.ID, "dead", 10, now, 500, "gone for good")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	counts := func() string {
		var deliveries, activities int
		s.Reader().QueryRow(`SELECT count(*) FROM deliveries`).Scan(&deliveries)
		s.Reader().QueryRow(`SELECT count(*) FROM activities`).Scan(&activities)
		return fmt.Sprintf("%d deliveries, %d activities", deliveries, activities)
	}
	// A day later: nothing is old enough.
	later := now.Add(24 * time.Hour)
	if err := s.PruneDeliveries(ctx, later.Add(-7*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.PruneDeadDeliveries(ctx, later.Add(-30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := counts(); got != "3 deliveries, 3 activities" {
		t.Fatalf("a day later: %s", got)
	}
	// Eight days later: the done delivery and its activity are gone.
	later = now.Add(8 * 24 * time.Hour)
	s.PruneDeliveries(ctx, later.Add(-7*24*time.Hour))
	s.PruneDeadDeliveries(ctx, later.Add(-30*24*time.Hour))
	if got := counts(); got != "2 deliveries, 2 activities" {
		t.Fatalf("eight days later: %s", got)
	}
	// Thirty-one days later: the dead one too; the pending one stays.
	later = now.Add(31 * 24 * time.Hour)
	s.PruneDeadDeliveries(ctx, later.Add(-30*24*time.Hour))
	s.PruneDeliveries(ctx, later.Add(-7*24*time.Hour))
	if got := counts(); got != "1 deliveries, 1 activities" {
		t.Fatalf("31 days later: %s", got)
	}
	if c, _ := s.DeliveryCounts(ctx); c["pending"] != 1 {
		t.Fatalf("pending after pruning: %v", c)
	}
}

// A log longer than one batch is pruned in several transactions, up to
// the cut and no further.
func TestPruneChangesInBatches(t *testing.T) {
	ctx := context.Background()
	s := dbtest.New(t)
	_, cal := dbtest.Association(t, s, "a")
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	recent := time.Now().UTC().Format(time.RFC3339)
	if _, err := s.Writer().ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
		INSERT INTO changes (seq, calendar_id, event_id, href, uid, uuid, kind, at)
		SELECT i, ?, i, 'e' || i || '.ics', 'e' || i, '', 'put', CASE WHEN i <= 11000 THEN ? ELSE ? END FROM n`, cal.ID, old, recent); err != nil {
		t.Fatal(err)
	}
	s.SetMeta(ctx, db.MetaPublisherSeq, "12000")
	n, err := s.PruneChanges(ctx, time.Now().Add(-time.Hour))
	if err != nil || n != 11000 {
		t.Fatalf("pruned %d rows (%v), want 11000", n, err)
	}
	if got := seqs(t, s); len(got) != 1000 || got[0] != 11001 {
		t.Fatalf("%d rows left from %v, want 1000 from 11001", len(got), got[:1])
	}
	if f := floor(t, s, cal.ID); f != 11000 {
		t.Fatalf("floor %d, want 11000", f)
	}
}
