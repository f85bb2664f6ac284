package db_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/bastide47/bastide/db"
	"github.com/bastide47/bastide/db/dbtest"
)

// A copy of a copy still knows the epochs it descends from, each up to
// the last change the backup taken from it copied.
func TestTokenEpochAcrossBackups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	orig, err := db.Open(ctx, filepath.Join(dir, "orig.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	_, cal := dbtest.Association(t, orig, "a")
	put := func(s *db.Store, uid string) int64 {
		t.Helper()
		res, err := s.PutEvent(ctx, db.Put{Event: dbtest.Event(cal.ID, uid, time.Date(2027, 1, 1, 10, 0, 0, 0, time.UTC), uid)})
		if err != nil {
			t.Fatal(err)
		}
		return res.Seq
	}
	s1 := put(orig, "one")
	if err := orig.Backup(ctx, filepath.Join(dir, "c1.db")); err != nil {
		t.Fatal(err)
	}
	put(orig, "lost")
	c1, err := db.Open(ctx, filepath.Join(dir, "c1.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	s2 := put(c1, "two")
	if err := c1.Backup(ctx, filepath.Join(dir, "c2.db")); err != nil {
		t.Fatal(err)
	}
	c2, err := db.Open(ctx, filepath.Join(dir, "c2.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	for _, c := range []struct {
		epoch string
		want  int64
		ok    bool
	}{
		{orig.Epoch(), s1, true},
		{c1.Epoch(), s2, true},
		{c2.Epoch(), math.MaxInt64, true},
		{"0123456789abcdef", 0, false},
	} {
		if got, ok := c2.TokenEpoch(c.epoch); got != c.want || ok != c.ok {
			t.Errorf("TokenEpoch(%s) = %d %v, want %d %v", c.epoch, got, ok, c.want, c.ok)
		}
	}
	if _, ok := orig.TokenEpoch(c1.Epoch()); ok {
		t.Error("the original knows the epoch of its copy")
	}
}
