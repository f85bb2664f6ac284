package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
	"github.com/bastide47/bastide/db/model"
)

// serve prunes the change log behind --sync-horizon as soon as it starts.
func TestServePrunesChangeLog(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	cli(t, data, "", "association", "add", "comite-nerac", "--name", "Comité des fêtes de Nérac").must(t, 0)
	s, err := db.Open(ctx, filepath.Join(data, "bastide.db"))
	if err != nil {
		t.Fatal(err)
	}
	var calID int64
	if err := s.Reader().QueryRow(`SELECT id FROM calendars`).Scan(&calID); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		ev := dbtest.Event(calID, "ev"+strconv.Itoa(i), time.Date(2027, 7, 1+i, 10, 0, 0, 0, time.UTC), "Fête")
		if _, err := s.PutEvent(ctx, db.Put{Event: ev}); err != nil {
			t.Fatal(err)
		}
	}
	// Two of them were written 40 days ago; the publisher has read all.
	if _, err := s.Writer().Exec(`UPDATE changes SET at = ? WHERE seq < (SELECT max(seq) FROM changes)`,
		time.Now().AddDate(0, 0, -40).UTC().Format(time.RFC3339)); err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastSeq(ctx)
	if err := s.SetMeta(ctx, db.MetaPublisherSeq, strconv.FormatInt(last, 10)); err != nil {
		t.Fatal(err)
	}
	s.Close()

	srv := startServe(t, data, "--sync-horizon", "30d")
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(srv.log(), `"msg":"change log pruned"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no pruning within 20s:\n%s", srv.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	srv.stop(t)
	s = openStore(t, data)
	if n := count(t, s, "changes"); n != 1 {
		t.Fatalf("%d change log rows after pruning, want 1 (the recent one)", n)
	}
	if seq, _ := s.LastSeq(ctx); seq != last {
		t.Fatalf("last seq %d after pruning, want %d", seq, last)
	}
}

// serve's pruning also deletes the images nothing shows any more, and
// keeps an association's logo.
func TestServePrunesImages(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	cli(t, data, "", "association", "add", "comite-nerac", "--name", "Comité des fêtes de Nérac").must(t, 0)
	s := openStore(t, data)
	a, err := s.GetAssociationBySlug(ctx, "comite-nerac")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAssociationLogo(ctx, a.ID, &model.Image{SHA256: "aaaa", MIME: "image/png", Width: 1, Height: 1, Bytes: []byte("a")}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutImage(ctx, &model.Image{SHA256: "bbbb", MIME: "image/png", Width: 1, Height: 1, Bytes: []byte("b")}); err != nil {
		t.Fatal(err)
	}
	srv := startServe(t, data)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(srv.log(), `"msg":"images pruned"`) {
		if time.Now().After(deadline) {
			t.Fatalf("no image pruning within 20s:\n%s", srv.log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	srv.stop(t)
	if n := count(t, s, "images"); n != 1 {
		t.Fatalf("%d images after pruning, want 1 (the logo)", n)
	}
	if _, err := s.GetImage(ctx, "aaaa"); err != nil {
		t.Fatalf("the logo after pruning: %v", err)
	}
}
